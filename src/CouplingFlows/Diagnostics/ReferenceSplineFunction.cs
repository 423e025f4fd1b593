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

    public double Forward(ReadOnlySpan<double> xB, ReadOnlySpan<double> theta, Span<double> yB)
    {
        int bins = options.BinCount;
        int stride = ParametersPerFeature;
        double[] knotX = new double[bins + 1];
        double[] knotY = new double[bins + 1];
        double[] slopes = new double[bins + 1];
        double sum = 0;
        for (int j = 0; j < xB.Length; j++)
        {
            ReadOnlySpan<double> raw = theta.Slice(j * stride, stride);
            Positions(raw[..bins], options.MinBinWidth, knotX);
            Positions(raw.Slice(bins, bins), options.MinBinHeight, knotY);
            Slopes(raw[(2 * bins)..], slopes);
            (yB[j], double logSlope) = Evaluate(xB[j], knotX, knotY, slopes);
            sum += logSlope;
        }

        return sum;
    }

    private void Positions(ReadOnlySpan<double> raw, double minimum, double[] knots)
    {
        int bins = raw.Length;
        double bound = options.TailBound;
        double largest = double.NegativeInfinity;
        foreach (double value in raw)
        {
            largest = Math.Max(largest, value);
        }

        double total = 0;
        foreach (double value in raw)
        {
            total += Math.Exp(value - largest);
        }

        knots[0] = -bound;
        double cumulative = 0;
        for (int i = 1; i < bins; i++)
        {
            double share = minimum + ((1 - (bins * minimum)) * Math.Exp(raw[i - 1] - largest) / total);
            cumulative += share;
            knots[i] = -bound + (2 * bound * cumulative);
        }

        knots[bins] = bound;
    }

    private void Slopes(ReadOnlySpan<double> raw, double[] slopes)
    {
        double least = options.MinDerivative;
        slopes[0] = 1;
        slopes[^1] = 1;
        for (int i = 0; i < raw.Length; i++)
        {
            double r = raw[i];
            double softplus = r > 0 ? r + Math.Log(1 + Math.Exp(-r)) : Math.Log(1 + Math.Exp(r));
            slopes[i + 1] = least + ((1 - least) * softplus / Math.Log(2));
        }
    }

    private static (double Output, double LogSlope) Evaluate(double x, double[] knotX, double[] knotY, double[] d)
    {
        int last = knotX.Length - 1;
        if (x < knotX[0] || x > knotX[last])
        {
            return (x, 0);
        }

        int k = 0;
        while (k < last - 1 && x >= knotX[k + 1])
        {
            k++;
        }

        double width = knotX[k + 1] - knotX[k];
        double height = knotY[k + 1] - knotY[k];
        double s = height / width;
        double xi = (x - knotX[k]) / width;
        double tau = xi * (1 - xi);
        double denominator = s + ((d[k] + d[k + 1] - (2 * s)) * tau);
        double y = knotY[k] + (height * ((s * xi * xi) + (d[k] * tau)) / denominator);
        double numerator = (d[k + 1] * xi * xi) + (2 * s * tau) + (d[k] * (1 - xi) * (1 - xi));

        return (y, Math.Log(s * s * numerator / (denominator * denominator)));
    }
}
