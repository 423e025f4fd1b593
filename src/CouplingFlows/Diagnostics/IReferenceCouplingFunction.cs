namespace CouplingFlows.Diagnostics;

/// <summary>
/// A double-precision twin of a coupling function: y_B = g(x_B; θ) for one row on dual numbers,
/// with Σⱼ log|∂gⱼ/∂xⱼ|.
/// </summary>
/// <remarks>θ is the conditioner's whole output row, in the layout the float32 coupling documents,
/// so a new coupling type only needs this one piece to join the reference path.</remarks>
public interface IReferenceCouplingFunction
{
    /// <summary>P, the number of θ values per transformed feature.</summary>
    int ParametersPerFeature { get; }

    /// <summary>Applies g to the transformed block of one row.</summary>
    /// <param name="xB">The transformed block, length |B|.</param>
    /// <param name="theta">The raw parameters, length |B|·P.</param>
    /// <param name="yB">Receives g(x_B; θ), length |B|.</param>
    /// <returns>Σⱼ log|∂gⱼ/∂xⱼ|, in nats.</returns>
    Dual Forward(ReadOnlySpan<Dual> xB, ReadOnlySpan<Dual> theta, Span<Dual> yB);
}
