using CouplingFlows.Nn;

namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of a <see cref="ResidualMlp"/> conditioner.</summary>
/// <remarks>h₀ = x W_in + b_in; h_{l+1} = h_l + a(a(h_l) W_{l,1} + b_{l,1}) W_{l,2} + b_{l,2};
/// θ = h_L W_out + b_out. The weights are read from the network's parameters, in their fixed order
/// (input, each block's first and second layer, output), and widened to double.</remarks>
internal sealed class ReferenceResidualMlp : IReferenceConditioner
{
    private readonly DenseLayer[] _layers;
    private readonly Activation _activation;

    public ReferenceResidualMlp(ResidualMlp network)
    {
        IReadOnlyList<Parameter> parameters = network.Parameters;
        _layers = new DenseLayer[parameters.Count / 2];
        for (int l = 0; l < _layers.Length; l++)
        {
            _layers[l] = new DenseLayer(parameters[2 * l].Value, parameters[(2 * l) + 1].Value);
        }

        _activation = network.Activation;
        InputFeatures = network.InputFeatures;
        OutputFeatures = network.OutputFeatures;
    }

    public int InputFeatures { get; }

    public int OutputFeatures { get; }

    public void Forward(ReadOnlySpan<Dual> input, Span<Dual> output)
    {
        Dual[] stream = _layers[0].Apply(input);
        for (int b = 1; b + 1 < _layers.Length; b += 2)
        {
            Dual[] branch = (Dual[])stream.Clone();
            ReferenceMlp.Activate(_activation, branch);
            Dual[] hidden = _layers[b].Apply(branch);
            ReferenceMlp.Activate(_activation, hidden);
            Dual[] update = _layers[b + 1].Apply(hidden);
            for (int i = 0; i < stream.Length; i++)
            {
                stream[i] += update[i];
            }
        }

        _layers[^1].Apply(stream).CopyTo(output);
    }
}
