namespace CouplingFlows.Diagnostics;

/// <summary>A double-precision twin of a conditioner network: θ = net(input) for one row, on dual numbers.</summary>
/// <remarks>Built from the float32 weights of an <see cref="Nn.IConditioner"/> by
/// <see cref="ReferenceBuilder.CreateConditioner"/>.</remarks>
public interface IReferenceConditioner
{
    /// <summary>The width of the input (identity features, then context).</summary>
    int InputFeatures { get; }

    /// <summary>The width of θ.</summary>
    int OutputFeatures { get; }

    /// <summary>θ = net(input) for one row, in double, with directional derivatives.</summary>
    /// <param name="input">Length <see cref="InputFeatures"/>.</param>
    /// <param name="output">Receives θ, length <see cref="OutputFeatures"/>.</param>
    void Forward(ReadOnlySpan<Dual> input, Span<Dual> output);
}
