namespace CouplingFlows.Diagnostics;

/// <summary>The cost of one log-determinant at one feature count, per row, in seconds.</summary>
/// <param name="Features">D.</param>
/// <param name="AnalyticSeconds">One row's forward pass, which yields log|det J| as a sum of log-scales.</param>
/// <param name="JacobianSeconds">One row's full D × D Jacobian by central differences (2D forward rows).</param>
/// <param name="DeterminantSeconds">log|det J| of that Jacobian by LU, O(D³).</param>
/// <param name="Difference">|analytic − brute force| at the timed row: both compute the same number.</param>
public sealed record LogAbsDetCostPoint(
    int Features, double AnalyticSeconds, double JacobianSeconds, double DeterminantSeconds, double Difference)
{
    /// <summary>Jacobian plus determinant.</summary>
    public double BruteForceSeconds => JacobianSeconds + DeterminantSeconds;

    /// <summary>How many times slower brute force is.</summary>
    public double Ratio => BruteForceSeconds / AnalyticSeconds;
}
