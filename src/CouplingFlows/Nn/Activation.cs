namespace CouplingFlows.Nn;

/// <summary>The element-wise non-linearity of a hidden layer.</summary>
public enum Activation
{
    /// <summary>No non-linearity: a(h) = h.</summary>
    Identity,

    /// <summary>a(h) = tanh(h); a′ = 1 − a².</summary>
    Tanh,

    /// <summary>a(h) = max(h, 0); a′ = 1 when h &gt; 0, else 0.</summary>
    Relu,

    /// <summary>a(h) = h for h &gt; 0, else exp(h) − 1; a′ = 1 or a + 1 (Clevert et al., 2016).</summary>
    Elu,
}
