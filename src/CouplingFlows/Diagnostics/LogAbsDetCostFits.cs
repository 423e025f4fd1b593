namespace CouplingFlows.Diagnostics;

/// <summary>Power laws fitted to the four costs of the <see cref="LogAbsDetCostStudy"/> over some points.</summary>
/// <param name="Analytic">Fit of the analytic cost against D.</param>
/// <param name="Jacobian">Fit of the finite-difference Jacobian's cost.</param>
/// <param name="Determinant">Fit of the LU determinant's cost.</param>
/// <param name="BruteForce">Fit of Jacobian plus determinant.</param>
public sealed record LogAbsDetCostFits(
    LogLogFit Analytic, LogLogFit Jacobian, LogLogFit Determinant, LogLogFit BruteForce)
{
    /// <summary>Fits all four costs over the given points.</summary>
    /// <param name="points">At least two points with distinct D.</param>
    /// <returns>The fits.</returns>
    public static LogAbsDetCostFits Of(IReadOnlyList<LogAbsDetCostPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        double[] features = [.. points.Select(p => (double)p.Features)];
        return new LogAbsDetCostFits(
            LogLogFit.Fit(features, [.. points.Select(p => p.AnalyticSeconds)]),
            LogLogFit.Fit(features, [.. points.Select(p => p.JacobianSeconds)]),
            LogLogFit.Fit(features, [.. points.Select(p => p.DeterminantSeconds)]),
            LogLogFit.Fit(features, [.. points.Select(p => p.BruteForceSeconds)]));
    }
}
