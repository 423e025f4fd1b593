namespace CouplingFlows.Nn;

/// <summary>How the weights of a linear layer are drawn; biases always start at zero.</summary>
public enum WeightInit
{
    /// <summary>Glorot (Xavier) uniform: W ~ U(−a, a), a = √(6 / (fan_in + fan_out)).
    /// Keeps activation variance roughly constant through tanh layers (Glorot and Bengio, 2010).</summary>
    GlorotUniform,

    /// <summary>W ~ N(0, 1): a deliberately wide draw, used to show how a poor start blows up the log-det.</summary>
    StandardNormal,

    /// <summary>All weights zero.</summary>
    Zeros,

    /// <summary>PyTorch's default for nn.Linear: W ~ U(−1/√fan_in, 1/√fan_in).</summary>
    LeCunUniform,
}
