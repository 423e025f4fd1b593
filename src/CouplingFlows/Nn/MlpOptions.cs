namespace CouplingFlows.Nn;

/// <summary>The shape and start of a multilayer perceptron conditioner.</summary>
/// <param name="HiddenFeatures">Width of every hidden layer, at least 1.</param>
/// <param name="HiddenLayers">Number of hidden layers (the depth), at least 0.</param>
/// <param name="Activation">The hidden non-linearity.</param>
/// <param name="Init">Initialisation of every weight matrix but possibly the last.</param>
/// <param name="ZeroLastLayer">When true the last layer starts at zero, so θ = 0 for every input and
/// a fresh coupling is exactly the identity.</param>
public sealed record MlpOptions(
    int HiddenFeatures = 256,
    int HiddenLayers = 2,
    Activation Activation = Activation.Relu,
    WeightInit Init = WeightInit.GlorotUniform,
    bool ZeroLastLayer = false);
