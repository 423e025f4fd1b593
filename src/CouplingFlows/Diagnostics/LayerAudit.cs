namespace CouplingFlows.Diagnostics;

/// <summary>What a <see cref="JacobianAudit"/> found for one layer, or for the whole stack.</summary>
/// <remarks>Every measure is the worst over the audited rows. The reference is the layer's double
/// twin (<see cref="IReferenceLayer"/>); "brute force" is log|det J| of its forward-mode
/// Jacobian in double, factorised by <see cref="LuDecomposition"/>.</remarks>
public sealed record LayerAudit
{
    /// <summary>The layer's name (its parameters' prefix, or its type), or "stack".</summary>
    public required string Name { get; init; }

    /// <summary>The transform's type name.</summary>
    public required string TransformType { get; init; }

    /// <summary>D.</summary>
    public required int Features { get; init; }

    /// <summary>|f⁻¹(f(x)) − x| per value, float32 as shipped, against x.</summary>
    public required AuditMeasure RoundTrip { get; init; }

    /// <summary>The float32 analytic log|det J| against the brute-force one.</summary>
    public required AuditMeasure LogAbsDet { get; init; }

    /// <summary>The double analytic log|det J| against the brute-force one: is the formula right?</summary>
    public required AuditMeasure ReferenceLogAbsDet { get; init; }

    /// <summary>The float32 output f(x) per value against the double reference output.</summary>
    public required AuditMeasure Output { get; init; }

    /// <summary>The float32 inverse log-det at f(x) against minus the forward one.</summary>
    public required AuditMeasure InverseLogAbsDet { get; init; }

    /// <summary>The largest |log|det J|| seen (brute force), for scale.</summary>
    public required double LargestLogAbsDet { get; init; }

    /// <summary>The largest scaled error of all five measures; NaN when any was not a number.</summary>
    public double WorstScaledError =>
        new[] { RoundTrip, LogAbsDet, ReferenceLogAbsDet, Output, InverseLogAbsDet }
            .Select(m => m.MaxScaledError)
            .Aggregate(0.0, (a, b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : Math.Max(a, b));

    /// <summary>Whether every measure is within the tolerance.</summary>
    /// <param name="tolerance">T.</param>
    /// <returns>True when the layer passes.</returns>
    public bool Passes(double tolerance) => WorstScaledError <= tolerance;
}
