using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Tests.Transforms;

/// <summary>A plain double-precision evaluation of the raw-parameter spline, written directly from
/// Durkan et al. (2019) eq. 4–5 and the parameterisation in <see cref="SplineOptions"/>, used as an
/// independent reference for values and for central differences with a small step.</summary>
internal static class ReferenceSpline
{
    public static (double Output, double LogAbsDet) Forward(double[] raw, SplineOptions options, double x)
    {
        (double[] knotX, double[] knotY, double[] d) = Knots(raw, options);

        return Evaluate(knotX, knotY, d, x);
    }

    /// <summary>Knots and derivatives: softmax with minimum, cumulative sum, scaled softplus.</summary>
    public static (double[] X, double[] Y, double[] Derivatives) Knots(double[] raw, SplineOptions options)
    {
        int k = options.BinCount;
        double bound = options.TailBound;
        double[] d = new double[k + 1];
        d[0] = 1.0;
        d[k] = 1.0;
        for (int j = 1; j < k; j++)
        {
            double softplus = Math.Log(1.0 + Math.Exp(raw[(2 * k) + j - 1]));
            d[j] = options.MinDerivative + ((1.0 - options.MinDerivative) * softplus / Math.Log(2.0));
        }

        return (Cumulative(raw, 0, k, options.MinBinWidth, bound),
            Cumulative(raw, k, k, options.MinBinHeight, bound), d);
    }

    /// <summary>y and ln(dy/dx) of the spline with the given knots; the identity outside them.</summary>
    public static (double Output, double LogAbsDet) Evaluate(double[] knotX, double[] knotY, double[] d, double x)
    {
        int k = knotX.Length - 1;
        if (x < knotX[0] || x > knotX[k])
        {
            return (x, 0.0);
        }

        int bin = 0;
        while (bin < k - 1 && x >= knotX[bin + 1])
        {
            bin++;
        }

        double w = knotX[bin + 1] - knotX[bin];
        double h = knotY[bin + 1] - knotY[bin];
        double s = h / w;
        double xi = (x - knotX[bin]) / w;
        double t = xi * (1.0 - xi);
        double den = s + ((d[bin + 1] + d[bin] - (2.0 * s)) * t);
        double y = knotY[bin] + (h * ((s * xi * xi) + (d[bin] * t)) / den);
        double slope = s * s * ((d[bin + 1] * xi * xi) + (2.0 * s * t) + (d[bin] * (1.0 - xi) * (1.0 - xi)))
            / (den * den);

        return (y, Math.Log(slope));
    }

    private static double[] Cumulative(double[] raw, int offset, int k, double minimum, double bound)
    {
        double max = raw.Skip(offset).Take(k).Max();
        double[] e = [.. raw.Skip(offset).Take(k).Select(value => Math.Exp(value - max))];
        double sum = e.Sum();
        double[] knots = new double[k + 1];
        knots[0] = -bound;
        double cumulative = 0.0;
        for (int j = 1; j < k; j++)
        {
            cumulative += minimum + ((1.0 - (k * minimum)) * e[j - 1] / sum);
            knots[j] = (2.0 * bound * cumulative) - bound;
        }

        knots[k] = bound;

        return knots;
    }
}
