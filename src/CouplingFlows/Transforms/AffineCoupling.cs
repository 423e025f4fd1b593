using System.Buffers;
using CouplingFlows.Nn;

namespace CouplingFlows.Transforms;

/// <summary>
/// The affine coupling of RealNVP with a softly bounded log-scale.
/// </summary>
/// <remarks>
/// <para>θ row layout: the first |B| values are the raw log-scales h, the next |B| the shifts t.</para>
/// <para>s = c · tanh(h / c), with bound c = <see cref="ScaleBound"/>, so s ∈ (−c, c) and the scale
/// exp(s) can neither overflow nor vanish; for |h| ≪ c, s ≈ h.</para>
/// <para>y_B = x_B ⊙ exp(s) + t, log|det J| = Σⱼ sⱼ; inverse x_B = (y_B − t) ⊙ exp(−s).</para>
/// <para>Dinh, Sohl-Dickstein and Bengio, "Density estimation using Real NVP" (2017), eq. (7)–(9),
/// <see href="https://arxiv.org/abs/1605.08803"/>.</para>
/// </remarks>
public sealed class AffineCoupling : CouplingTransform
{
    /// <summary>The default bound c of the log-scale: one layer scales by at most e³ ≈ 20.</summary>
    public const float DefaultScaleBound = 3f;

    /// <summary>Creates an affine coupling.</summary>
    /// <param name="mask">The split of the features.</param>
    /// <param name="conditioner">Reads |A| + contextFeatures values, writes 2|B|.</param>
    /// <param name="scaleBound">c &gt; 0, the bound of the log-scale.</param>
    /// <param name="contextFeatures">Context width, 0 for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">The bound is not positive and finite.</exception>
    public AffineCoupling(
        CouplingMask mask, IConditioner conditioner, float scaleBound = DefaultScaleBound, int contextFeatures = 0)
        : base(mask, conditioner, 2, contextFeatures)
    {
        if (!(scaleBound > 0f) || float.IsInfinity(scaleBound))
        {
            throw new ArgumentOutOfRangeException(
                nameof(scaleBound), scaleBound, "The log-scale bound must be positive and finite.");
        }

        ScaleBound = scaleBound;
    }

    /// <summary>c, the bound of the log-scale s.</summary>
    public float ScaleBound { get; }

    /// <summary>The bounded log-scale s = c · tanh(h / c) for a raw conditioner output h.</summary>
    /// <param name="raw">h.</param>
    /// <returns>s.</returns>
    public float LogScale(float raw) => ScaleBound * MathF.Tanh(raw / ScaleBound);

    /// <inheritdoc/>
    protected override void ForwardFunction(
        ReadOnlySpan<float> xB, ReadOnlySpan<float> theta, Span<float> yB, Span<float> logAbsDet, int rows)
    {
        int width = Mask.TransformedIndices.Count;
        float[] scratch = ArrayPool<float>.Shared.Rent(2 * width);
        Span<float> s = scratch.AsSpan(0, width);
        Span<float> scale = scratch.AsSpan(width, width);
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> raw = theta.Slice(i * 2 * width, width);
            ReadOnlySpan<float> shift = theta.Slice((i * 2 * width) + width, width);
            BoundedLogScale(raw, s);
            TensorPrimitives.Exp(s, scale);
            TensorPrimitives.FusedMultiplyAdd(xB.Slice(i * width, width), scale, shift, yB.Slice(i * width, width));
            logAbsDet[i] += TensorPrimitives.Sum(s);
        }

        ArrayPool<float>.Shared.Return(scratch);
    }

    /// <inheritdoc/>
    protected override void InverseFunction(
        ReadOnlySpan<float> yB, ReadOnlySpan<float> theta, Span<float> xB, Span<float> logAbsDet, int rows)
    {
        int width = Mask.TransformedIndices.Count;
        float[] scratch = ArrayPool<float>.Shared.Rent(2 * width);
        Span<float> s = scratch.AsSpan(0, width);
        Span<float> inverseScale = scratch.AsSpan(width, width);
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> raw = theta.Slice(i * 2 * width, width);
            ReadOnlySpan<float> shift = theta.Slice((i * 2 * width) + width, width);
            Span<float> x = xB.Slice(i * width, width);
            BoundedLogScale(raw, s);
            logAbsDet[i] -= TensorPrimitives.Sum(s);
            TensorPrimitives.Negate(s, s);
            TensorPrimitives.Exp(s, inverseScale);
            TensorPrimitives.Subtract(yB.Slice(i * width, width), shift, x);
            TensorPrimitives.Multiply(x, inverseScale, x);
        }

        ArrayPool<float>.Shared.Return(scratch);
    }

    /// <inheritdoc/>
    /// <remarks>
    /// ∂L/∂x = ∂L/∂y ⊙ exp(s), ∂L/∂t = ∂L/∂y, ∂L/∂s = ∂L/∂y ⊙ x ⊙ exp(s) + ∂L/∂log|det J|,
    /// ∂L/∂h = ∂L/∂s · (1 − (s/c)²).
    /// </remarks>
    protected override void BackwardFunction(
        ReadOnlySpan<float> xB,
        ReadOnlySpan<float> theta,
        ReadOnlySpan<float> outputGradient,
        ReadOnlySpan<float> logAbsDetGradient,
        Span<float> inputGradient,
        Span<float> thetaGradient,
        int rows)
    {
        int width = Mask.TransformedIndices.Count;
        float inverseBound = 1f / ScaleBound;
        float[] scratch = ArrayPool<float>.Shared.Rent(2 * width);
        Span<float> s = scratch.AsSpan(0, width);
        Span<float> scale = scratch.AsSpan(width, width);
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> dy = outputGradient.Slice(i * width, width);
            Span<float> dx = inputGradient.Slice(i * width, width);
            Span<float> dRaw = thetaGradient.Slice(i * 2 * width, width);
            BoundedLogScale(theta.Slice(i * 2 * width, width), s);
            TensorPrimitives.Exp(s, scale);
            TensorPrimitives.Multiply(dy, scale, dx);
            dy.CopyTo(thetaGradient.Slice((i * 2 * width) + width, width));

            // dRaw = (dx ⊙ x + ∂L/∂log|det J|) ⊙ (1 − (s/c)²), with s/c overwriting s.
            TensorPrimitives.Multiply(s, inverseBound, s);
            TensorPrimitives.Multiply(s, s, s);
            TensorPrimitives.Subtract(1f, s, s);
            TensorPrimitives.MultiplyAdd(dx, xB.Slice(i * width, width), logAbsDetGradient[i], dRaw);
            TensorPrimitives.Multiply(dRaw, s, dRaw);
        }

        ArrayPool<float>.Shared.Return(scratch);
    }

    /// <summary>s = c · tanh(h / c) for a row of raw outputs.</summary>
    private void BoundedLogScale(ReadOnlySpan<float> raw, Span<float> s)
    {
        TensorPrimitives.Divide(raw, ScaleBound, s);
        TensorPrimitives.Tanh(s, s);
        TensorPrimitives.Multiply(s, ScaleBound, s);
    }
}
