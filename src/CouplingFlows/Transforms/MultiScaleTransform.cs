using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// The multi-scale architecture of RealNVP: a sequence of stages, each acting on a leading block of
/// the row that shrinks from stage to stage; what a stage leaves out was factored out earlier and
/// goes to the base distribution unchanged.
/// </summary>
/// <remarks>
/// <para>Stage s is a transform f_s of n_s features with D = n₀ ≥ n₁ ≥ …. With h⁰ = x,
/// h^{s+1} = (f_s(h^s_{1..n_s}), h^s_{n_s+1..D}): the first n_s values of the row go through f_s and
/// the others pass unchanged. The output is z = h^S, so the values factored out after stage s are
/// z_{n_{s+1}+1..n_s}, which is a latent variable of the base distribution from then on.</para>
/// <para>log|det J| = Σ_s log|det J_{f_s}|: a later stage's Jacobian covers only the values it
/// keeps. The inverse runs the stages in reverse order on the same leading blocks.</para>
/// <para>An image stage ends with a squeeze and channel-wise couplings, so its output is an image
/// (4C, H/2, W/2) whose first 2C channels are the leading n_s / 2 values: the next stage keeps
/// them and the last 2C channels are factored out. Dinh, Sohl-Dickstein and Bengio, "Density
/// estimation using Real NVP" (2017), §3.6, eq. (13)–(16),
/// <see href="https://arxiv.org/abs/1605.08803"/>.</para>
/// </remarks>
public sealed class MultiScaleTransform : ITransform
{
    private readonly ITransform[] _stages;
    private readonly Parameter[] _parameters;
    private readonly Tensor?[] _stageInputs;
    private readonly Tensor?[] _stageGradients;
    private Tensor? _output;
    private Tensor? _inputGradient;
    private float[]? _logAbsDet;

    /// <summary>Creates the architecture from its stages.</summary>
    /// <param name="stages">At least one transform; the first sets D and each one has at most as many
    /// features as the one before.</param>
    /// <exception cref="ArgumentException">The list is empty or a stage is wider than the one before.</exception>
    public MultiScaleTransform(IEnumerable<ITransform> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        _stages = [.. stages];
        if (_stages.Length == 0)
        {
            throw new ArgumentException("A multi-scale transform needs at least one stage.", nameof(stages));
        }

        for (int s = 1; s < _stages.Length; s++)
        {
            if (_stages[s].Features > _stages[s - 1].Features)
            {
                throw new ArgumentException(
                    $"Stage {s} has {_stages[s].Features} features but stage {s - 1} only {_stages[s - 1].Features}; "
                    + "each stage keeps a leading block of the one before.",
                    nameof(stages));
            }
        }

        _parameters = [.. _stages.SelectMany(stage => stage.Parameters)];
        _stageInputs = new Tensor?[_stages.Length];
        _stageGradients = new Tensor?[_stages.Length];
    }

    /// <inheritdoc/>
    public int Features => _stages[0].Features;

    /// <summary>The stages, first scale first.</summary>
    public IReadOnlyList<ITransform> Stages => _stages;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc/>
    public TransformResult Forward(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        Tensor current = x.Clone();
        float[] total = new float[x.Rows];
        foreach (ITransform stage in _stages)
        {
            Tensor block = Leading(current, stage.Features, null);
            TransformResult result = stage.Forward(block, context);
            WriteLeading(result.Output, current);
            TensorPrimitives.Add(total, result.LogAbsDet, total);
        }

        return new TransformResult(current, total);
    }

    /// <inheritdoc/>
    public TransformResult Inverse(Tensor y, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        TransformValidation.CheckFeatures(y, Features, nameof(y));
        Tensor current = y.Clone();
        float[] total = new float[y.Rows];
        for (int s = _stages.Length - 1; s >= 0; s--)
        {
            Tensor block = Leading(current, _stages[s].Features, null);
            TransformResult result = _stages[s].Inverse(block, context);
            WriteLeading(result.Output, current);
            TensorPrimitives.Add(total, result.LogAbsDet, total);
        }

        return new TransformResult(current, total);
    }

    /// <inheritdoc/>
    public TransformResult ForwardTraining(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        Tensor current = Tensor.EnsureLike(ref _output, x);
        x.Data.CopyTo(current.Data, 0);
        RowBuffer.Ensure(ref _logAbsDet, x.Rows);

        Array.Clear(_logAbsDet);
        for (int s = 0; s < _stages.Length; s++)
        {
            // Each stage keeps its own input buffer: it must stay unchanged until Backward.
            Tensor block = Leading(current, _stages[s].Features, _stageInputs[s]);
            _stageInputs[s] = block;
            TransformResult result = _stages[s].ForwardTraining(block, context);
            WriteLeading(result.Output, current);
            TensorPrimitives.Add(_logAbsDet, result.LogAbsDet, _logAbsDet);
        }

        return new TransformResult(current, _logAbsDet);
    }

    /// <inheritdoc/>
    public Tensor Backward(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        TransformValidation.CheckFeatures(outputGradient, Features, nameof(outputGradient));
        Tensor gradient = Tensor.EnsureLike(ref _inputGradient, outputGradient);
        outputGradient.Data.CopyTo(gradient.Data, 0);
        for (int s = _stages.Length - 1; s >= 0; s--)
        {
            Tensor block = Leading(gradient, _stages[s].Features, _stageGradients[s]);
            _stageGradients[s] = block;
            Tensor stageGradient = _stages[s].Backward(block, logAbsDetGradient);
            WriteLeading(stageGradient, gradient);
        }

        return gradient;
    }

    /// <summary>Copies the first n values of every row into a (B, n) tensor, reusing one if it fits.</summary>
    private static Tensor Leading(Tensor source, int count, Tensor? reuse)
    {
        Tensor block = reuse is not null && reuse.HasShape(source.Rows, count) ? reuse : new Tensor(source.Rows, count);
        int width = source.RowLength;
        for (int i = 0; i < source.Rows; i++)
        {
            source.Data.AsSpan(i * width, count).CopyTo(block.Data.AsSpan(i * count, count));
        }

        return block;
    }

    /// <summary>Writes a (B, n) block over the first n values of every row.</summary>
    private static void WriteLeading(Tensor block, Tensor destination)
    {
        int count = block.RowLength;
        int width = destination.RowLength;
        for (int i = 0; i < destination.Rows; i++)
        {
            block.Data.AsSpan(i * count, count).CopyTo(destination.Data.AsSpan(i * width, count));
        }
    }
}
