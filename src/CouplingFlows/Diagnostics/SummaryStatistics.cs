namespace CouplingFlows.Diagnostics;

/// <summary>Mean, spread and range of a set of values; non-finite values are counted apart.</summary>
/// <param name="Count">The number of finite values summarised.</param>
/// <param name="NonFinite">The number of NaN or infinite values left out.</param>
/// <param name="Mean">The mean of the finite values (NaN when there are none).</param>
/// <param name="StandardDeviation">Their population standard deviation √(Σ(v − mean)² / n).</param>
/// <param name="Minimum">The smallest finite value.</param>
/// <param name="Maximum">The largest finite value.</param>
public readonly record struct SummaryStatistics(
    long Count, long NonFinite, double Mean, double StandardDeviation, double Minimum, double Maximum)
{
    /// <summary>max |v| over the finite values.</summary>
    public double MaxAbs => Count == 0 ? double.NaN : Math.Max(Math.Abs(Minimum), Math.Abs(Maximum));

    /// <summary>Summarises a sequence in one pass (Welford's update, stable in double).</summary>
    /// <param name="values">The values.</param>
    /// <returns>The summary.</returns>
    public static SummaryStatistics Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var accumulator = new RunningStatistics();
        foreach (double value in values)
        {
            accumulator.Add(value);
        }

        return accumulator.Summary;
    }
}
