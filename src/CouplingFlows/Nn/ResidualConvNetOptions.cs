namespace CouplingFlows.Nn;

/// <summary>The shape and start of a residual convolutional conditioner.</summary>
/// <param name="HiddenChannels">Width: the channels of every hidden feature map, at least 1.</param>
/// <param name="Blocks">The number of residual blocks, at least 0.</param>
/// <param name="Activation">The non-linearity inside and after the blocks.</param>
/// <param name="Init">Initialisation of every convolution but possibly the last.</param>
/// <param name="ZeroLastLayer">When true the output convolution starts at zero, so θ = 0 for every
/// input and a fresh coupling is exactly the identity.</param>
/// <param name="KernelSize">k of the input, block and output convolutions: odd, at least 1.</param>
public sealed record ResidualConvNetOptions(
    int HiddenChannels = 32,
    int Blocks = 2,
    Activation Activation = Activation.Relu,
    WeightInit Init = WeightInit.GlorotUniform,
    bool ZeroLastLayer = false,
    int KernelSize = 3);
