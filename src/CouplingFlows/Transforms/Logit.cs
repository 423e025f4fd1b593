using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// The logit preprocessing of bounded data: y = logit(α + (1 − 2α) v) for v ∈ [0, 1].
/// </summary>
/// <remarks>
/// <para>This is the symmetric form: p = α + (1 − 2α) v keeps p inside [α, 1 − α], so the logit stays
/// finite at v = 0 and v = 1. y = ln p − ln(1 − p).</para>
/// <para>log|det J| = Σⱼ [ln(1 − 2α) − ln pⱼ − ln(1 − pⱼ)]; at v = 0.5 with α = 0.05 each term is
/// 1.280934. Inverse: p = σ(y), v = (p − α) / (1 − 2α).</para>
/// <para>RealNVP's paper writes p = α + (1 − α) v, which is not symmetric about v = 0.5; this product
/// uses the symmetric form. Dinh, Sohl-Dickstein and Bengio (2017), §4.1,
/// <see href="https://arxiv.org/abs/1605.08803"/>.</para>
/// </remarks>
public sealed class Logit : ITransform
{
    /// <summary>The default α = 0.05, as in RealNVP's experiments.</summary>
    public const float DefaultAlpha = 0.05f;

    private Tensor? _input;
    private Tensor? _output;
    private Tensor? _inputGradient;
    private float[]? _logAbsDet;

    /// <summary>Creates the map.</summary>
    /// <param name="features">D, at least 1.</param>
    /// <param name="alpha">α in (0, 0.5).</param>
    /// <exception cref="ArgumentOutOfRangeException">α or D is out of range.</exception>
    public Logit(int features, float alpha = DefaultAlpha)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(features, 1);
        if (!(alpha > 0f && alpha < 0.5f))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must lie in (0, 0.5).");
        }

        Features = features;
        Alpha = alpha;
    }

    /// <inheritdoc/>
    public int Features { get; }

    /// <summary>α.</summary>
    public float Alpha { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => [];

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">A value lies outside [0, 1].</exception>
    public TransformResult Forward(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        var y = new Tensor([.. x.Shape]);
        float[] logAbsDet = new float[x.Rows];
        ApplyForward(x, y, logAbsDet);

        return new TransformResult(y, logAbsDet);
    }

    /// <inheritdoc/>
    public TransformResult Inverse(Tensor y, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        TransformValidation.CheckFeatures(y, Features, nameof(y));
        var x = new Tensor([.. y.Shape]);
        float[] logAbsDet = new float[y.Rows];
        float width = 1f - (2f * Alpha);
        float logWidth = MathF.Log(width);
        for (int i = 0; i < y.Rows; i++)
        {
            ReadOnlySpan<float> source = y.Row(i);
            Span<float> target = x.Row(i);
            double sum = 0;
            for (int j = 0; j < Features; j++)
            {
                float yj = source[j];
                float p = 1f / (1f + MathF.Exp(-yj));
                target[j] = Math.Clamp((p - Alpha) / width, 0f, 1f);

                // ln p + ln(1 − p) = −softplus(−y) − softplus(y), exact for large |y|.
                sum += -Softplus(-yj) - Softplus(yj) - logWidth;
            }

            logAbsDet[i] = (float)sum;
        }

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
    /// <remarks>∂y/∂v = (1 − 2α) / (p(1 − p)); ∂log|det J|/∂v = (1 − 2α)(2p − 1) / (p(1 − p)).</remarks>
    public Tensor Backward(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor x = _input ?? throw new InvalidOperationException("Backward was called before ForwardTraining.");
        Tensor dx = Tensor.EnsureLike(ref _inputGradient, outputGradient);
        float width = 1f - (2f * Alpha);
        for (int i = 0; i < x.Rows; i++)
        {
            ReadOnlySpan<float> v = x.Row(i);
            ReadOnlySpan<float> dy = outputGradient.Row(i);
            Span<float> dv = dx.Row(i);
            float g = logAbsDetGradient[i];
            for (int j = 0; j < Features; j++)
            {
                float p = Alpha + (width * v[j]);
                float inverseVariance = width / (p * (1f - p));
                dv[j] = (dy[j] * inverseVariance) + (g * inverseVariance * ((2f * p) - 1f));
            }
        }

        return dx;
    }

    private void ApplyForward(Tensor x, Tensor y, float[] logAbsDet)
    {
        float width = 1f - (2f * Alpha);
        double logWidth = Math.Log(width);
        for (int i = 0; i < x.Rows; i++)
        {
            ReadOnlySpan<float> source = x.Row(i);
            Span<float> target = y.Row(i);
            double sum = 0;
            for (int j = 0; j < Features; j++)
            {
                float v = source[j];
                if (!(v >= 0f && v <= 1f))
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(x), v,
                        $"Row {i}, feature {j}: the logit preprocessing needs values scaled to [0, 1]; got {v}.");
                }

                double p = Alpha + (width * (double)v);
                double logP = Math.Log(p);
                double logQ = Math.Log(1.0 - p);
                target[j] = (float)(logP - logQ);
                sum += logWidth - logP - logQ;
            }

            logAbsDet[i] = (float)sum;
        }
    }

    private static float Softplus(float z) => z > 20f ? z : MathF.Log(1f + MathF.Exp(z));
}
