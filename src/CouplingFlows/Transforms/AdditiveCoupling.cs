using CouplingFlows.Nn;

namespace CouplingFlows.Transforms;

/// <summary>
/// The additive coupling of NICE: a volume-preserving shift.
/// </summary>
/// <remarks>
/// <para>θ row layout: |B| shifts t.</para>
/// <para>y_B = x_B + t(x_A), log|det J| = 0 exactly; inverse x_B = y_B − t(y_A).</para>
/// <para>Dinh, Krueger and Bengio, "NICE: Non-linear Independent Components Estimation" (2015),
/// §3.2, eq. (4), <see href="https://arxiv.org/abs/1410.8516"/>.</para>
/// </remarks>
public sealed class AdditiveCoupling : CouplingTransform
{
    /// <summary>Creates an additive coupling.</summary>
    /// <param name="mask">The split of the features.</param>
    /// <param name="conditioner">Reads |A| + contextFeatures values, writes |B|.</param>
    /// <param name="contextFeatures">Context width, 0 for none.</param>
    public AdditiveCoupling(CouplingMask mask, IConditioner conditioner, int contextFeatures = 0)
        : base(mask, conditioner, 1, contextFeatures)
    {
    }

    /// <inheritdoc/>
    protected override void ForwardFunction(
        ReadOnlySpan<float> xB, ReadOnlySpan<float> theta, Span<float> yB, Span<float> logAbsDet, int rows) =>
        TensorPrimitives.Add(xB, theta, yB);

    /// <inheritdoc/>
    protected override void InverseFunction(
        ReadOnlySpan<float> yB, ReadOnlySpan<float> theta, Span<float> xB, Span<float> logAbsDet, int rows) =>
        TensorPrimitives.Subtract(yB, theta, xB);

    /// <inheritdoc/>
    protected override void BackwardFunction(
        ReadOnlySpan<float> xB,
        ReadOnlySpan<float> theta,
        ReadOnlySpan<float> outputGradient,
        ReadOnlySpan<float> logAbsDetGradient,
        Span<float> inputGradient,
        Span<float> thetaGradient,
        int rows)
    {
        outputGradient.CopyTo(inputGradient);
        outputGradient.CopyTo(thetaGradient);
    }
}
