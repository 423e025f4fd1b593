using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// Reorders the features: y_j = x_{π(j)}. Volume preserving, log|det J| = 0.
/// </summary>
/// <remarks>Used between couplings so that every feature is transformed by some layer.
/// The inverse scatters back: x_{π(j)} = y_j.</remarks>
public sealed class Permutation : ITransform
{
    private readonly int[] _order;
    private readonly int[] _inverseOrder;
    private Tensor? _inputGradient;

    /// <summary>Creates the permutation y_j = x_{order[j]}.</summary>
    /// <param name="order">A permutation of 0..D−1.</param>
    /// <exception cref="ArgumentException">The order is empty or not a permutation.</exception>
    public Permutation(IReadOnlyList<int> order)
    {
        ArgumentNullException.ThrowIfNull(order);
        _order = [.. order];
        _inverseOrder = new int[_order.Length];
        var seen = new bool[_order.Length];
        for (int j = 0; j < _order.Length; j++)
        {
            int source = _order[j];
            if (source < 0 || source >= _order.Length || seen[source])
            {
                throw new ArgumentException(
                    $"order is not a permutation of 0..{_order.Length - 1}: entry {j} is {source}.", nameof(order));
            }

            seen[source] = true;
            _inverseOrder[source] = j;
        }

        if (_order.Length == 0)
        {
            throw new ArgumentException("order must have at least one entry.", nameof(order));
        }
    }

    /// <inheritdoc/>
    public int Features => _order.Length;

    /// <summary>π: output feature j reads input feature Order[j].</summary>
    public IReadOnlyList<int> Order => _order;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <summary>The permutation that reverses the feature order.</summary>
    /// <param name="features">D, at least 1.</param>
    /// <returns>The reversal.</returns>
    public static Permutation Reverse(int features)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        return new Permutation([.. Enumerable.Range(0, features).Reverse()]);
    }

    /// <summary>A seeded random permutation.</summary>
    /// <param name="features">D, at least 1.</param>
    /// <param name="random">The random source.</param>
    /// <returns>The permutation.</returns>
    public static Permutation Random(int features, RandomSource random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        ArgumentNullException.ThrowIfNull(random);
        return new Permutation(random.Permutation(features));
    }

    /// <inheritdoc/>
    public TransformResult Forward(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        var y = new Tensor([.. x.Shape]);
        Reorder(x, _order, y);

        return new TransformResult(y, new float[x.Rows]);
    }

    /// <inheritdoc/>
    public TransformResult Inverse(Tensor y, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        TransformValidation.CheckFeatures(y, Features, nameof(y));
        var x = new Tensor([.. y.Shape]);
        Reorder(y, _inverseOrder, x);

        return new TransformResult(x, new float[y.Rows]);
    }

    /// <inheritdoc/>
    public TransformResult ForwardTraining(Tensor x, Tensor? context = null) => Forward(x, context);

    /// <inheritdoc/>
    public Tensor Backward(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor dx = Tensor.EnsureLike(ref _inputGradient, outputGradient);
        Reorder(outputGradient, _inverseOrder, dx);

        return dx;
    }

    private static void Reorder(Tensor source, int[] order, Tensor destination)
    {
        int width = order.Length;
        for (int i = 0; i < source.Rows; i++)
        {
            ReadOnlySpan<float> row = source.Data.AsSpan(i * width, width);
            Span<float> target = destination.Data.AsSpan(i * width, width);
            for (int j = 0; j < width; j++)
            {
                target[j] = row[order[j]];
            }
        }
    }
}
