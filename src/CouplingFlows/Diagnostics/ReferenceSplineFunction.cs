using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Diagnostics;

/// <summary>
/// The rational-quadratic spline coupling function of
/// <see cref="Transforms.RationalQuadraticSplineCoupling"/>, in double from the raw parameters.
/// </summary>
/// <remarks>
/// <para>θ holds, per transformed feature, P = 3K − 1 raw values u (K widths), v (K heights), r (K − 1
/// interior slopes). Shares: wₖ = m + (1 − Km)·softmax(u)ₖ (m the minimum), knots x₀ = −B,
/// xᵢ = −B + 2B Σ_{k&lt;i} wₖ, x_K = B; heights likewise; interior slopes
/// dₖ = m_d + (1 − m_d)·softplus(rₖ)/ln 2, boundary slopes 1 (<see cref="SplineOptions"/>).</para>
/// <para>In bin k, with s = hₖ/wₖ, ξ = (x − xₖ)/wₖ and τ = ξ(1 − ξ):
/// y = yₖ + hₖ (s ξ² + dₖ τ) / (s + (dₖ + dₖ₊₁ − 2s) τ),
/// dy/dx = s² (dₖ₊₁ ξ² + 2s τ + dₖ (1 − ξ)²) / (s + (dₖ + dₖ₊₁ − 2s) τ)²;
/// outside [−B, B] the identity (Durkan et al., "Neural Spline Flows", 2019, eq. 4–5,
/// <see href="https://arxiv.org/abs/1906.04032"/>).</para>
/// </remarks>
internal sealed class ReferenceSplineFunction(SplineOptions options) : IReferenceCouplingFunction
{
    public int ParametersPerFeature => options.ParametersPerFeature;

    public Dual Forward(ReadOnlySpan<Dual> xB, ReadOnlySpan<Dual> theta, Span<Dual> yB)
    {
        int bins = options.BinCount;
        int stride = ParametersPerFeature;
        var knotX = new Dual[bins + 1];
        var knotY = new Dual[bins + 1];
        var slopes = new Dual[bins + 1];
        Dual sum = 0;
        for (int j = 0; j < xB.Length; j++)
        {
            ReadOnlySpan<Dual> raw = theta.Slice(j * stride, stride);
            Positions(raw[..bins], options.MinBinWidth, knotX);
            Positions(raw.Slice(bins, bins), options.MinBinHeight, knotY);
            Slopes(raw[(2 * bins)..], slopes);
            (yB[j], Dual logSlope) = Evaluate(xB[j], knotX, knotY, slopes);
            sum += logSlope;
        }

        return sum;
    }

    private void Positions(ReadOnlySpan<Dual> raw, double minimum, Dual[] knots)
    {
        int bins = raw.Length;
        double bound = options.TailBound;
        double largest = double.NegativeInfinity;
        foreach (Dual value in raw)
        {
            largest = Math.Max(largest, value.Value);
        }

        Dual total = 0;
        foreach (Dual value in raw)
        {
            total += Dual.Exp(value - largest);
        }

        knots[0] = -bound;
        Dual cumulative = 0;
        for (int i = 1; i < bins; i++)
        {
            cumulative += minimum + ((1 - (bins * minimum)) * Dual.Exp(raw[i - 1] - largest) / total);
            knots[i] = -bound + (2 * bound * cumulative);
        }

        knots[bins] = bound;
    }

    private void Slopes(ReadOnlySpan<Dual> raw, Dual[] slopes)
    {
        double least = options.MinDerivative;
        slopes[0] = 1;
        slopes[^1] = 1;
        for (int i = 0; i < raw.Length; i++)
        {
            slopes[i + 1] = least + ((1 - least) * Dual.Softplus(raw[i]) / Math.Log(2));
        }
    }

    private static (Dual Output, Dual LogSlope) Evaluate(Dual x, Dual[] knotX, Dual[] knotY, Dual[] d)
    {
        int last = knotX.Length - 1;
        if (x.Value < knotX[0].Value || x.Value > knotX[last].Value)
        {
            return (x, 0);
        }

        int k = 0;
        while (k < last - 1 && x.Value >= knotX[k + 1].Value)
        {
            k++;
        }

        Dual width = knotX[k + 1] - knotX[k];
        Dual height = knotY[k + 1] - knotY[k];
        Dual s = height / width;
        Dual xi = (x - knotX[k]) / width;
        Dual tau = xi * (1 - xi);
        Dual denominator = s + ((d[k] + d[k + 1] - (2 * s)) * tau);
        Dual y = knotY[k] + (height * ((s * xi * xi) + (d[k] * tau)) / denominator);
        Dual numerator = (d[k + 1] * xi * xi) + (2 * s * tau) + (d[k] * (1 - xi) * (1 - xi));

        return (y, Dual.Log(s * s * numerator / (denominator * denominator)));
    }
}
