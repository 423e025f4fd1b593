using System.Buffers;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// A per-feature affine map y = (x − μ) ⊙ exp(s): NICE's diagonal scaling when s is learned, or a
/// fixed standardisation when it is not.
/// </summary>
/// <remarks>
/// <para>log|det J| = Σⱼ sⱼ for every row; inverse x = y ⊙ exp(−s) + μ.</para>
/// <para>NICE's final layer is the learned form with μ = 0 (Dinh, Krueger and Bengio, 2015, §3.3,
/// <see href="https://arxiv.org/abs/1410.8516"/>). Standardisation sets μ to the column means and
/// s = −ln σ, so that the data enter the couplings with unit scale.</para>
/// </remarks>
public sealed class ElementwiseAffine : ITransform
{
    private readonly Parameter _shift;
    private readonly Parameter _logScale;
    private readonly Parameter[] _parameters;
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _inputGradient;
    private float[]? _logAbsDet;

    /// <summary>Creates the map with μ = 0 and s = 0 (the identity).</summary>
    /// <param name="name">Prefix of the parameter names.</param>
    /// <param name="features">D, at least 1.</param>
    /// <param name="trainable">True to learn s (NICE's scaling); μ is never learned.</param>
    public ElementwiseAffine(string name, int features, bool trainable)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        _shift = new Parameter(name + ".shift", new Tensor(features), trainable: false);
        _logScale = new Parameter(name + ".log_scale", new Tensor(features), trainable);
        _parameters = [_shift, _logScale];
        Features = features;
    }

    /// <inheritdoc/>
    public int Features { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>μ, length D.</summary>
    public Span<float> Shift => _shift.Value.Data;

    /// <summary>s, length D.</summary>
    public Span<float> LogScale => _logScale.Value.Data;

    /// <summary>A fixed standardisation y = (x − mean) / std.</summary>
    /// <param name="name">Prefix of the parameter names.</param>
    /// <param name="mean">The column means.</param>
    /// <param name="standardDeviation">The column standard deviations, each positive and finite.</param>
    /// <returns>The transform.</returns>
    /// <exception cref="ArgumentException">The lengths differ or a deviation is not positive.</exception>
    public static ElementwiseAffine Standardization(
        string name, IReadOnlyList<float> mean, IReadOnlyList<float> standardDeviation)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(standardDeviation);
        if (mean.Count != standardDeviation.Count)
        {
            throw new ArgumentException(
                $"mean has {mean.Count} entries but standardDeviation has {standardDeviation.Count}.",
                nameof(standardDeviation));
        }

        var result = new ElementwiseAffine(name, mean.Count, trainable: false);
        for (int j = 0; j < mean.Count; j++)
        {
            float sigma = standardDeviation[j];
            if (!(sigma > 0f) || !float.IsFinite(sigma))
            {
                throw new ArgumentException(
                    $"Column {j + 1} has standard deviation {sigma}; it must be positive and finite "
                    + "(a constant column cannot be standardised).",
                    nameof(standardDeviation));
            }

            result.Shift[j] = mean[j];
            result.LogScale[j] = -MathF.Log(sigma);
        }

        return result;
    }

    /// <inheritdoc/>
    public TransformResult Forward(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        Tensor y = Tensor.Scratch(x.Shape);
        float[] logAbsDet = ScratchArrays.Rent(x.Rows, clear: false);
        ApplyForward(x, y, logAbsDet);

        return new TransformResult(y, logAbsDet);
    }

    /// <inheritdoc/>
    public TransformResult Inverse(Tensor y, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        TransformValidation.CheckFeatures(y, Features, nameof(y));
        Tensor x = Tensor.Scratch(y.Shape);
        ReadOnlySpan<float> mu = _shift.Value.Data;
        ReadOnlySpan<float> s = _logScale.Value.Data;
        float total = TensorPrimitives.Sum(s);
        float[] scratch = ArrayPool<float>.Shared.Rent(Features);
        Span<float> inverseScale = scratch.AsSpan(0, Features);
        ExpOf(s, inverseScale, sign: -1f);
        for (int i = 0; i < y.Rows; i++)
        {
            TensorPrimitives.MultiplyAdd(y.Row(i), inverseScale, mu, x.Row(i));
        }

        ArrayPool<float>.Shared.Return(scratch);
        float[] logAbsDet = ScratchArrays.Rent(y.Rows, clear: false);
        Array.Fill(logAbsDet, -total);

        return new TransformResult(x, logAbsDet);
    }

    /// <inheritdoc/>
    public TransformResult ForwardTraining(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        _input = x;
        Tensor y = Tensor.EnsureLike(ref _output, x);
        RowBuffer.Ensure(ref _logAbsDet, x.Rows);

        ApplyForward(x, y, _logAbsDet);

        return new TransformResult(y, _logAbsDet);
    }

    /// <inheritdoc/>
    /// <remarks>∂L/∂x = ∂L/∂y ⊙ exp(s); ∂L/∂sⱼ = Σᵢ ∂L/∂yᵢⱼ (xᵢⱼ − μⱼ) exp(sⱼ) + Σᵢ ∂L/∂log|det J|ᵢ, accumulated
    /// only when s is trainable (a fixed standardisation gets no gradient).</remarks>
    public Tensor Backward(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor x = _input ?? throw new InvalidOperationException("Backward was called before ForwardTraining.");
        Tensor dx = Tensor.EnsureLike(ref _inputGradient, outputGradient);
        ReadOnlySpan<float> mu = _shift.Value.Data;
        ReadOnlySpan<float> s = _logScale.Value.Data;
        Span<float> ds = _logScale.Gradient.Data;
        float dLogDetSum = TensorPrimitives.Sum(logAbsDetGradient);
        float[] scratch = ArrayPool<float>.Shared.Rent(2 * Features);
        Span<float> scale = scratch.AsSpan(0, Features);
        Span<float> centred = scratch.AsSpan(Features, Features);
        ExpOf(s, scale, sign: 1f);
        for (int i = 0; i < x.Rows; i++)
        {
            Span<float> dxi = dx.Row(i);
            TensorPrimitives.Multiply(outputGradient.Row(i), scale, dxi);
            if (_logScale.Trainable)
            {
                // ∂L/∂sⱼ += ∂L/∂xᵢⱼ · (xᵢⱼ − μⱼ), since ∂L/∂xᵢⱼ = ∂L/∂yᵢⱼ exp(sⱼ).
                TensorPrimitives.Subtract(x.Row(i), mu, centred);
                TensorPrimitives.MultiplyAdd(dxi, centred, ds, ds);
            }
        }

        if (_logScale.Trainable)
        {
            TensorPrimitives.Add(ds, dLogDetSum, ds);
        }

        ArrayPool<float>.Shared.Return(scratch);

        return dx;
    }

    private void ApplyForward(Tensor x, Tensor y, float[] logAbsDet)
    {
        ReadOnlySpan<float> mu = _shift.Value.Data;
        ReadOnlySpan<float> s = _logScale.Value.Data;
        float total = TensorPrimitives.Sum(s);
        float[] scratch = ArrayPool<float>.Shared.Rent(Features);
        Span<float> scale = scratch.AsSpan(0, Features);
        ExpOf(s, scale, sign: 1f);
        for (int i = 0; i < x.Rows; i++)
        {
            Span<float> target = y.Row(i);
            TensorPrimitives.Subtract(x.Row(i), mu, target);
            TensorPrimitives.Multiply(target, scale, target);
        }

        ArrayPool<float>.Shared.Return(scratch);
        Array.Fill(logAbsDet, total);
    }

    /// <summary>exp(±sⱼ) per feature with the scalar function: D values per call, and the same bits
    /// as a row-by-row loop, so that v/17 of a pixel below 17 stays below 1 exactly as before.</summary>
    private static void ExpOf(ReadOnlySpan<float> s, Span<float> destination, float sign)
    {
        for (int j = 0; j < s.Length; j++)
        {
            destination[j] = MathF.Exp(sign * s[j]);
        }
    }
}
