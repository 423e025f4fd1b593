namespace CouplingFlows.Diagnostics;

/// <summary>The additive coupling function of <see cref="Transforms.AdditiveCoupling"/>, in double.</summary>
/// <remarks>θ = t (|B| shifts); y = x + t; log|∂y/∂x| = 0 (NICE, eq. 4,
/// <see href="https://arxiv.org/abs/1410.8516"/>).</remarks>
internal sealed class ReferenceAdditiveFunction : IReferenceCouplingFunction
{
    public int ParametersPerFeature => 1;

    public Dual Forward(ReadOnlySpan<Dual> xB, ReadOnlySpan<Dual> theta, Span<Dual> yB)
    {
        for (int j = 0; j < xB.Length; j++)
        {
            yB[j] = xB[j] + theta[j];
        }

        return 0;
    }
}
