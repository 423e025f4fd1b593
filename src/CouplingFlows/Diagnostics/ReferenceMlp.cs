using CouplingFlows.Nn;

namespace CouplingFlows.Diagnostics;

/// <summary>The double-precision twin of an <see cref="Mlp"/> conditioner.</summary>
/// <remarks>
/// <para>h₀ = input, hₗ = a(hₗ₋₁ Wₗ + bₗ) for the hidden layers, θ = h_L W_out + b_out, with every
/// weight widened from float32 to double once, when the twin is built.</para>
/// </remarks>
public sealed class ReferenceMlp : IReferenceConditioner
{
    private readonly DenseLayer[] _layers;
    private readonly Activation _activation;

    /// <summary>Copies the weights of a network.</summary>
    /// <param name="network">The float32 network.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    public ReferenceMlp(Mlp network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _layers = [.. network.Layers.Select(layer => new DenseLayer(layer.Weight.Value, layer.Bias.Value))];
        _activation = network.Activation;
        InputFeatures = network.InputFeatures;
        OutputFeatures = network.OutputFeatures;
    }

    /// <inheritdoc/>
    public int InputFeatures { get; }

    /// <inheritdoc/>
    public int OutputFeatures { get; }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<Dual> input, Span<Dual> output)
    {
        Dual[] current = input.ToArray();
        for (int l = 0; l < _layers.Length; l++)
        {
            current = _layers[l].Apply(current);
            if (l < _layers.Length - 1)
            {
                Activate(_activation, current);
            }
        }

        current.CopyTo(output);
    }

    /// <summary>Applies a hidden non-linearity in place, on dual numbers.</summary>
    internal static void Activate(Activation activation, Span<Dual> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            Dual h = values[i];
            values[i] = activation switch
            {
                Activation.Identity => h,
                Activation.Tanh => Dual.Tanh(h),
                Activation.Relu => Dual.Relu(h),
                Activation.Elu => h.Value > 0 ? h : Dual.Exp(h) - 1,
                _ => throw new NotSupportedException($"The activation {activation} has no double-precision reference."),
            };
        }
    }
}
