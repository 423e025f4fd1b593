namespace CouplingFlows.Diagnostics;

/// <summary>Accumulates a <see cref="SummaryStatistics"/> one value at a time (Welford, 1962).</summary>
internal sealed class RunningStatistics
{
    private long _count;
    private long _nonFinite;
    private double _mean;
    private double _sumOfSquares;
    private double _minimum = double.PositiveInfinity;
    private double _maximum = double.NegativeInfinity;

    public SummaryStatistics Summary => _count == 0
        ? new SummaryStatistics(0, _nonFinite, double.NaN, double.NaN, double.NaN, double.NaN)
        : new SummaryStatistics(_count, _nonFinite, _mean, Math.Sqrt(_sumOfSquares / _count), _minimum, _maximum);

    public void Add(double value)
    {
        if (!double.IsFinite(value))
        {
            _nonFinite++;
            return;
        }

        _count++;
        double delta = value - _mean;
        _mean += delta / _count;
        _sumOfSquares += delta * (value - _mean);
        _minimum = Math.Min(_minimum, value);
        _maximum = Math.Max(_maximum, value);
    }
}
