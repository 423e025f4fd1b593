namespace CouplingFlows.Diagnostics;

/// <summary>How the conditioners of a fresh flow start, for the <see cref="InitializationStudy"/>.</summary>
public enum InitializationScheme
{
    /// <summary>Glorot uniform weights, tanh hidden layers.</summary>
    GlorotTanh,

    /// <summary>Glorot uniform weights, ReLU hidden layers.</summary>
    GlorotRelu,

    /// <summary>Every weight drawn from N(0, 1) (a deliberately wide start), tanh hidden layers.</summary>
    StandardNormal,

    /// <summary>Glorot uniform hidden layers with tanh and a zero last layer: exactly the identity.</summary>
    ZeroLastLayer,
}
