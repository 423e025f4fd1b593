using System.Buffers;
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
        float[] logAbsDet = ScratchArrays.Rent(y.Rows, clear: false);
        float width = 1f - (2f * Alpha);
        float logWidth = MathF.Log(width);
        float[] scratch = ArrayPool<float>.Shared.Rent(Features);
        Span<float> terms = scratch.AsSpan(0, Features);
        for (int i = 0; i < y.Rows; i++)
        {
            ReadOnlySpan<float> source = y.Row(i);
            Span<float> target = x.Row(i);

            // v = (σ(y) − α) / (1 − 2α), clamped against rounding at the ends.
            TensorPrimitives.Sigmoid(source, target);
            TensorPrimitives.Subtract(target, Alpha, target);
            TensorPrimitives.Divide(target, width, target);
            TensorPrimitives.Clamp(target, 0f, 1f, target);

            // ln p + ln(1 − p) = −softplus(y) − softplus(−y) = −|y| − 2 ln(1 + e^(−|y|)), exact for large |y|.
            TensorPrimitives.Abs(source, terms);
            TensorPrimitives.Negate(terms, terms);
            TensorPrimitives.Exp(terms, terms);
            TensorPrimitives.LogP1(terms, terms);
            TensorPrimitives.Multiply(terms, 2f, terms);
            TensorPrimitives.Add(terms, logWidth, terms);
            double sum = 0;
            for (int j = 0; j < Features; j++)
            {
                sum -= Math.Abs(source[j]) + terms[j];
            }

            logAbsDet[i] = (float)sum;
        }

        ArrayPool<float>.Shared.Return(scratch);
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
        float[] scratch = ArrayPool<float>.Shared.Rent(2 * Features);
        Span<float> p = scratch.AsSpan(0, Features);
        Span<float> q = scratch.AsSpan(Features, Features);
        for (int i = 0; i < x.Rows; i++)
        {
            Span<float> dv = dx.Row(i);
            float g = logAbsDetGradient[i];

            // dv = w / (p(1 − p)) · (dy + g (2p − 1)), p = α + w v.
            TensorPrimitives.Multiply(x.Row(i), width, p);
            TensorPrimitives.Add(p, Alpha, p);
            TensorPrimitives.Subtract(1f, p, q);
            TensorPrimitives.Multiply(q, p, q);
            TensorPrimitives.Multiply(p, 2f * g, p);
            TensorPrimitives.Add(p, -g, p);
            TensorPrimitives.Add(outputGradient.Row(i), p, dv);
            TensorPrimitives.Multiply(dv, width, dv);
            TensorPrimitives.Divide(dv, q, dv);
        }

        ArrayPool<float>.Shared.Return(scratch);

        return dx;
    }

    private void ApplyForward(Tensor x, Tensor y, float[] logAbsDet)
    {
        float width = 1f - (2f * Alpha);
        double logWidth = Math.Log(width);
        double[] scratch = ArrayPool<double>.Shared.Rent(2 * Features);
        Span<double> logP = scratch.AsSpan(0, Features);
        Span<double> logQ = scratch.AsSpan(Features, Features);
        for (int i = 0; i < x.Rows; i++)
        {
            ReadOnlySpan<float> source = x.Row(i);
            CheckUnitInterval(source, i, nameof(x));

            // In double: p = α + w v, then ln p and ln(1 − p), so that values near the ends keep
            // their precision.
            TensorPrimitives.ConvertChecked(source, logP);
            TensorPrimitives.Multiply(logP, (double)width, logP);
            TensorPrimitives.Add(logP, (double)Alpha, logP);
            TensorPrimitives.Subtract(1.0, logP, logQ);
            TensorPrimitives.Log(logP, logP);
            TensorPrimitives.Log(logQ, logQ);
            Span<float> target = y.Row(i);
            double sum = 0;
            for (int j = 0; j < Features; j++)
            {
                target[j] = (float)(logP[j] - logQ[j]);
                sum += logWidth - logP[j] - logQ[j];
            }

            logAbsDet[i] = (float)sum;
        }

        ArrayPool<double>.Shared.Return(scratch);
    }

    private static void CheckUnitInterval(ReadOnlySpan<float> row, int rowIndex, string paramName)
    {
        if (TensorPrimitives.Min(row) >= 0f && TensorPrimitives.Max(row) <= 1f)
        {
            return;
        }

        for (int j = 0; j < row.Length; j++)
        {
            float v = row[j];
            if (!(v >= 0f && v <= 1f))
            {
                throw new ArgumentOutOfRangeException(
                    paramName, v,
                    $"Row {rowIndex}, feature {j}: the logit preprocessing needs values scaled to [0, 1]; got {v}.");
            }
        }
    }

}
