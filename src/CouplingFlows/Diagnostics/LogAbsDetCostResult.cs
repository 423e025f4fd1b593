namespace CouplingFlows.Diagnostics;

/// <summary>The timings of the <see cref="LogAbsDetCostStudy"/> and the power laws fitted to them.</summary>
/// <param name="Points">One entry per feature count, ascending.</param>
/// <param name="Analytic">Fit of the analytic cost against D.</param>
/// <param name="Jacobian">Fit of the finite-difference Jacobian's cost.</param>
/// <param name="Determinant">Fit of the LU determinant's cost.</param>
/// <param name="BruteForce">Fit of Jacobian plus determinant.</param>
public sealed record LogAbsDetCostResult(
    IReadOnlyList<LogAbsDetCostPoint> Points,
    LogLogFit Analytic,
    LogLogFit Jacobian,
    LogLogFit Determinant,
    LogLogFit BruteForce);
