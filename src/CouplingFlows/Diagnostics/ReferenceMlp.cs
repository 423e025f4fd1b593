using CouplingFlows.Nn;

namespace CouplingFlows.Diagnostics;

/// <summary>The double-precision twin of an <see cref="Mlp"/> conditioner.</summary>
/// <remarks>
/// <para>h₀ = input, hₗ = a(hₗ₋₁ Wₗ + bₗ) for the hidden layers, θ = h_L W_out + b_out, with every
/// weight widened from float32 to double once, when the twin is built.</para>
/// </remarks>
public sealed class ReferenceMlp : IReferenceConditioner
{
    private readonly double[][] _weights;
    private readonly double[][] _biases;
    private readonly int[] _widths;
    private readonly Activation _activation;

    /// <summary>Copies the weights of a network.</summary>
    /// <param name="network">The float32 network.</param>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    public ReferenceMlp(Mlp network)
    {
        ArgumentNullException.ThrowIfNull(network);
        int count = network.Layers.Count;
        _weights = new double[count][];
        _biases = new double[count][];
        _widths = new int[count + 1];
        _widths[0] = network.InputFeatures;
        for (int l = 0; l < count; l++)
        {
            Linear layer = network.Layers[l];
            _weights[l] = Widen(layer.Weight.Value.Data);
            _biases[l] = Widen(layer.Bias.Value.Data);
            _widths[l + 1] = layer.OutputFeatures;
        }

        _activation = network.Activation;
        InputFeatures = network.InputFeatures;
        OutputFeatures = network.OutputFeatures;
    }

    /// <inheritdoc/>
    public int InputFeatures { get; }

    /// <inheritdoc/>
    public int OutputFeatures { get; }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<double> input, Span<double> output)
    {
        double[] current = input.ToArray();
        for (int l = 0; l < _weights.Length; l++)
        {
            int outs = _widths[l + 1];
            double[] next = (double[])_biases[l].Clone();
            ReadOnlySpan<double> weight = _weights[l];
            for (int k = 0; k < current.Length; k++)
            {
                TensorPrimitives.MultiplyAdd(weight.Slice(k * outs, outs), current[k], next, next);
            }

            if (l < _weights.Length - 1)
            {
                Activate(next);
            }

            current = next;
        }

        current.CopyTo(output);
    }

    private void Activate(Span<double> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            double h = values[i];
            values[i] = _activation switch
            {
                Activation.Identity => h,
                Activation.Tanh => Math.Tanh(h),
                Activation.Relu => Math.Max(h, 0),
                Activation.Elu => h > 0 ? h : Math.Exp(h) - 1,
                _ => throw new NotSupportedException(
                    $"The activation {_activation} has no double-precision reference."),
            };
        }
    }

    private static double[] Widen(ReadOnlySpan<float> values)
    {
        double[] result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }
}
