namespace CouplingFlows.Diagnostics;

/// <summary>The worst disagreement of one measure over every row (and value) an audit looked at.</summary>
/// <param name="MaxError">The largest absolute error |Δ|; NaN when any comparison was not a number.</param>
/// <param name="MaxScaledError">The largest |Δ| / max(1, |reference|), the number judged against the
/// tolerance; NaN when any comparison was not a number.</param>
public readonly record struct AuditMeasure(double MaxError, double MaxScaledError)
{
    /// <summary>Whether the scaled error is finite and at most the tolerance.</summary>
    /// <param name="tolerance">T.</param>
    /// <returns>True when the measure passes.</returns>
    public bool Passes(double tolerance) => MaxScaledError <= tolerance;

    /// <summary>Folds one comparison into the measure; NaN sticks.</summary>
    /// <param name="value">The value under test.</param>
    /// <param name="reference">The value it should equal.</param>
    /// <returns>The updated measure.</returns>
    public AuditMeasure Include(double value, double reference)
    {
        double error = Math.Abs(value - reference);
        double scaled = error / Math.Max(1, Math.Abs(reference));
        return new AuditMeasure(Worse(MaxError, error), Worse(MaxScaledError, scaled));
    }

    private static double Worse(double current, double candidate) =>
        double.IsNaN(current) || double.IsNaN(candidate) ? double.NaN : Math.Max(current, candidate);
}
