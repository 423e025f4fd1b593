namespace CouplingFlows.Flows;

/// <summary>The families of flows the builder knows.</summary>
public enum FlowKind
{
    /// <summary>Affine couplings with alternating masks (RealNVP).</summary>
    RealNvp,

    /// <summary>Additive couplings with alternating masks and a final diagonal scaling (NICE).</summary>
    Nice,

    /// <summary>Rational-quadratic spline couplings with alternating masks (neural spline flow).</summary>
    Nsf,
}
