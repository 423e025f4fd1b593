namespace CouplingFlows.Diagnostics;

/// <summary>A power law y ≈ a·xᵏ fitted by least squares on ln y = ln a + k ln x.</summary>
/// <param name="Slope">k, the exponent: 1 for linear cost, 3 for cubic.</param>
/// <param name="Intercept">ln a.</param>
public readonly record struct LogLogFit(double Slope, double Intercept)
{
    /// <summary>Fits the line through the points (ln xᵢ, ln yᵢ).</summary>
    /// <param name="x">Positive abscissae, at least two distinct.</param>
    /// <param name="y">Positive ordinates, as many as <paramref name="x"/>.</param>
    /// <returns>The fit.</returns>
    /// <exception cref="ArgumentException">The lengths differ, a value is not positive, or all x are equal.</exception>
    public static LogLogFit Fit(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count || x.Count < 2)
        {
            throw new ArgumentException(
                $"A fit needs at least two points and equal lengths; got {x.Count} x and {y.Count} y.", nameof(y));
        }

        if (x.Concat(y).Any(v => !(v > 0) || !double.IsFinite(v)))
        {
            throw new ArgumentException("Every x and y of a log-log fit must be positive and finite.", nameof(x));
        }

        double[] u = [.. x.Select(value => Math.Log(value))];
        double[] v = [.. y.Select(value => Math.Log(value))];
        double meanU = u.Average();
        double meanV = v.Average();
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < u.Length; i++)
        {
            covariance += (u[i] - meanU) * (v[i] - meanV);
            variance += (u[i] - meanU) * (u[i] - meanU);
        }

        if (variance == 0)
        {
            throw new ArgumentException("A log-log fit needs at least two distinct x values.", nameof(x));
        }

        double slope = covariance / variance;

        return new LogLogFit(slope, meanV - (slope * meanU));
    }

    /// <summary>The fitted y at x: exp(intercept)·x^slope.</summary>
    /// <param name="x">A positive abscissa.</param>
    /// <returns>The prediction.</returns>
    public double Predict(double x) => Math.Exp(Intercept) * Math.Pow(x, Slope);
}
