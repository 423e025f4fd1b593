namespace CouplingFlows.Nn;

/// <summary>The shape and start of a residual multilayer perceptron conditioner.</summary>
/// <param name="HiddenFeatures">H, the width of the residual stream and of every block, at least 1.</param>
/// <param name="Blocks">The number of residual blocks, at least 0.</param>
/// <param name="Activation">The non-linearity inside each block.</param>
/// <param name="Init">Initialisation of every weight matrix but possibly the last.</param>
/// <param name="ZeroLastLayer">When true the output layer starts at zero, so θ = 0 for every input
/// and a fresh coupling starts at its θ = 0 map (the identity for spline and affine couplings).</param>
public sealed record ResidualMlpOptions(
    int HiddenFeatures = 128,
    int Blocks = 2,
    Activation Activation = Activation.Relu,
    WeightInit Init = WeightInit.GlorotUniform,
    bool ZeroLastLayer = false);
