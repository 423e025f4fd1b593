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

    /// <summary>RealNVP's multi-scale image flow: ActNorm and affine couplings with checkerboard and
    /// channel-wise masks, squeezes and factored-out channels, residual convolutional conditioners
    /// (CLI name realnvp-image).</summary>
    RealNvpImage,
}
