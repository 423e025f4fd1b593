namespace CouplingFlows.Diagnostics;

/// <summary>The timings of the <see cref="LogAbsDetCostStudy"/> and the power laws fitted to them.</summary>
/// <param name="Points">One entry per feature count, ascending.</param>
/// <param name="All">Fits over every point.</param>
/// <param name="Largest">Fits over the three largest D (all points when there are fewer): the asymptotic
/// exponents, once fixed costs no longer dominate.</param>
public sealed record LogAbsDetCostResult(
    IReadOnlyList<LogAbsDetCostPoint> Points, LogAbsDetCostFits All, LogAbsDetCostFits Largest);
