namespace CouplingFlows.Diagnostics;

/// <summary>The affine coupling function of <see cref="Transforms.AffineCoupling"/>, in double.</summary>
/// <remarks>θ = [h (|B| raw log-scales), t (|B| shifts)]; s = c·tanh(h/c); y = x·exp(s) + t;
/// log|∂y/∂x| = s (RealNVP, eq. 7–9, <see href="https://arxiv.org/abs/1605.08803"/>).</remarks>
internal sealed class ReferenceAffineFunction(double scaleBound) : IReferenceCouplingFunction
{
    public int ParametersPerFeature => 2;

    public Dual Forward(ReadOnlySpan<Dual> xB, ReadOnlySpan<Dual> theta, Span<Dual> yB)
    {
        int width = xB.Length;
        Dual sum = 0;
        for (int j = 0; j < width; j++)
        {
            Dual s = scaleBound * Dual.Tanh(theta[j] / scaleBound);
            yB[j] = (xB[j] * Dual.Exp(s)) + theta[width + j];
            sum += s;
        }

        return sum;
    }
}
