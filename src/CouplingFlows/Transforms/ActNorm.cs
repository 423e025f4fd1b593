using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// Activation normalisation: a learned per-channel affine map of images whose start is fitted to
/// the first training batch, y = (x − μ_c) ⊙ exp(s_c).
/// </summary>
/// <remarks>
/// <para>For an image row of shape (C, H, W): y[c, i, j] = (x[c, i, j] − μ_c) · exp(s_c), so
/// log|det J| = H·W · Σ_c s_c for every row; inverse x = y · exp(−s_c) + μ_c.</para>
/// <para>Data-dependent initialisation: on the first <see cref="ForwardTraining"/> call (or an
/// explicit <see cref="Initialize"/>), μ_c is the mean and σ_c the population standard deviation of
/// channel c over all B·H·W values of the batch, and s_c = −ln σ_c, so that the batch leaves with
/// zero mean and unit variance per channel. When σ_c &lt; <see cref="MinimumStandardDeviation"/> (a
/// constant channel, or a batch of one image with a single pixel per channel) the channel is only
/// centred: s_c = 0. No NaN or infinity can arise.</para>
/// <para>Whether the layer was initialised is itself a saved, non-trainable parameter
/// (<c>.initialized</c>, 1 after initialisation), so a loaded model is never initialised again.
/// Before initialisation μ = 0 and s = 0: the layer is the identity.</para>
/// <para>Kingma and Dhariwal, "Glow: Generative Flow with Invertible 1x1 Convolutions" (2018), §3.1,
/// <see href="https://arxiv.org/abs/1807.03039"/>.</para>
/// </remarks>
public sealed class ActNorm : ITransform
{
    /// <summary>Below this standard deviation a channel is centred but not scaled at initialisation.</summary>
    public const float MinimumStandardDeviation = 1e-6f;

    private readonly Parameter _shift;
    private readonly Parameter _logScale;
    private readonly Parameter _initialized;
    private readonly Parameter[] _parameters;
    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _inputGradient;
    private float[]? _logAbsDet;

    /// <summary>Creates an uninitialised layer (the identity until it sees a training batch).</summary>
    /// <param name="name">Prefix of the parameter names.</param>
    /// <param name="shape">(C, H, W) of one image.</param>
    /// <exception cref="ArgumentException">The shape is invalid.</exception>
    public ActNorm(string name, ImageShape shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        shape.Validate(nameof(shape));
        Shape = shape;
        _shift = new Parameter(name + ".shift", new Tensor(shape.Channels));
        _logScale = new Parameter(name + ".log_scale", new Tensor(shape.Channels));
        _initialized = new Parameter(name + ".initialized", new Tensor(1), trainable: false);
        _parameters = [_shift, _logScale, _initialized];
    }

    /// <summary>(C, H, W) of one image.</summary>
    public ImageShape Shape { get; }

    /// <inheritdoc/>
    public int Features => Shape.Length;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>μ, one value per channel.</summary>
    public Span<float> Shift => _shift.Value.Data;

    /// <summary>s, one log-scale per channel.</summary>
    public Span<float> LogScale => _logScale.Value.Data;

    /// <summary>Whether μ and s were fitted to data (or loaded after being fitted).</summary>
    public bool IsInitialized => _initialized.Value.Data[0] != 0f;

    /// <summary>Fits μ and s to a batch and marks the layer initialised.</summary>
    /// <param name="x">(B, C·H·W) or (B, C, H, W), B ≥ 1.</param>
    /// <exception cref="ArgumentException">x does not have C·H·W values per row or has no rows.</exception>
    public void Initialize(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        if (x.Rows < 1)
        {
            throw new ArgumentException("ActNorm needs at least one row to initialise from.", nameof(x));
        }

        int pixels = Shape.Pixels;
        double count = (double)x.Rows * pixels;
        for (int c = 0; c < Shape.Channels; c++)
        {
            double sum = 0;
            for (int i = 0; i < x.Rows; i++)
            {
                sum += TensorPrimitives.Sum<float>(x.Row(i).Slice(c * pixels, pixels));
            }

            double mean = sum / count;
            double squares = 0;
            for (int i = 0; i < x.Rows; i++)
            {
                foreach (float value in x.Row(i).Slice(c * pixels, pixels))
                {
                    double centred = value - mean;
                    squares += centred * centred;
                }
            }

            double deviation = Math.Sqrt(squares / count);
            Shift[c] = (float)mean;
            LogScale[c] = deviation >= MinimumStandardDeviation ? (float)-Math.Log(deviation) : 0f;
        }

        _initialized.Value.Data[0] = 1f;
    }

    /// <inheritdoc/>
    public TransformResult Forward(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        var y = new Tensor([.. x.Shape]);
        float[] logAbsDet = new float[x.Rows];
        Apply(x, y, logAbsDet, inverse: false);

        return new TransformResult(y, logAbsDet);
    }

    /// <inheritdoc/>
    public TransformResult Inverse(Tensor y, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        TransformValidation.CheckFeatures(y, Features, nameof(y));
        var x = new Tensor([.. y.Shape]);
        float[] logAbsDet = new float[y.Rows];
        Apply(y, x, logAbsDet, inverse: true);

        return new TransformResult(x, logAbsDet);
    }

    /// <inheritdoc/>
    /// <remarks>Initialises the layer from <paramref name="x"/> first when it is not yet initialised.</remarks>
    public TransformResult ForwardTraining(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        if (!IsInitialized)
        {
            Initialize(x);
        }

        _input = x;
        Tensor y = Tensor.EnsureLike(ref _output, x);
        RowBuffer.Ensure(ref _logAbsDet, x.Rows);

        Apply(x, y, _logAbsDet, inverse: false);

        return new TransformResult(y, _logAbsDet);
    }

    /// <inheritdoc/>
    /// <remarks>∂L/∂x = ∂L/∂y · exp(s_c); ∂L/∂μ_c = −Σ ∂L/∂y · exp(s_c);
    /// ∂L/∂s_c = Σ ∂L/∂y · (x − μ_c) · exp(s_c) + H·W · Σ_rows ∂L/∂log|det J|, sums over the rows and
    /// pixels of channel c. The initialisation is not differentiated.</remarks>
    public Tensor Backward(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor x = _input ?? throw new InvalidOperationException("Backward was called before ForwardTraining.");
        Tensor dx = Tensor.EnsureLike(ref _inputGradient, outputGradient);
        int pixels = Shape.Pixels;
        float dLogDetSum = TensorPrimitives.Sum(logAbsDetGradient);
        for (int c = 0; c < Shape.Channels; c++)
        {
            float mu = Shift[c];
            float scale = MathF.Exp(LogScale[c]);
            double shiftGradient = 0;
            double scaleGradient = 0;
            for (int i = 0; i < x.Rows; i++)
            {
                ReadOnlySpan<float> xs = x.Row(i).Slice(c * pixels, pixels);
                ReadOnlySpan<float> dy = outputGradient.Row(i).Slice(c * pixels, pixels);
                Span<float> dxs = dx.Row(i).Slice(c * pixels, pixels);
                TensorPrimitives.Multiply(dy, scale, dxs);
                float dySum = TensorPrimitives.Sum(dy);
                shiftGradient -= dySum * scale;
                scaleGradient += (TensorPrimitives.Dot(dy, xs) - (mu * dySum)) * scale;
            }

            _shift.Gradient.Data[c] += (float)shiftGradient;
            _logScale.Gradient.Data[c] += (float)scaleGradient + (pixels * dLogDetSum);
        }

        return dx;
    }

    private void Apply(Tensor source, Tensor destination, float[] logAbsDet, bool inverse)
    {
        int pixels = Shape.Pixels;
        for (int c = 0; c < Shape.Channels; c++)
        {
            float mu = Shift[c];
            float s = LogScale[c];
            for (int i = 0; i < source.Rows; i++)
            {
                ReadOnlySpan<float> from = source.Row(i).Slice(c * pixels, pixels);
                Span<float> to = destination.Row(i).Slice(c * pixels, pixels);
                if (inverse)
                {
                    TensorPrimitives.Multiply(from, MathF.Exp(-s), to);
                    TensorPrimitives.Add(to, mu, to);
                }
                else
                {
                    TensorPrimitives.Add(from, -mu, to);
                    TensorPrimitives.Multiply(to, MathF.Exp(s), to);
                }
            }
        }

        float total = pixels * TensorPrimitives.Sum<float>(_logScale.Value.Data);
        Array.Fill(logAbsDet, inverse ? -total : total);
    }
}
