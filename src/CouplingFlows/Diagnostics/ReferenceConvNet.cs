using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of a <see cref="ResidualConvNet"/> conditioner.</summary>
/// <remarks>h₀ = conv_in(x); h_{l+1} = h_l + conv_{l,2}(a(conv_{l,1}(a(h_l)))); θ = conv_out(a(h_N)),
/// each convolution evaluated by its defining sum y[o, i, j] = b[o] + Σ K[o, c, u, v] x[c, i + u − p,
/// j + v − p] with zero padding, in double, on the widened float32 weights.</remarks>
internal sealed class ReferenceConvNet : IReferenceConditioner
{
    private readonly Convolution[] _convolutions;
    private readonly Activation _activation;
    private readonly int _height;
    private readonly int _width;

    public ReferenceConvNet(ResidualConvNet network)
    {
        _convolutions = [.. network.Convolutions.Select(conv => new Convolution(conv))];
        _activation = network.Activation;
        _height = network.InputShape.Height;
        _width = network.InputShape.Width;
        InputFeatures = network.InputFeatures;
        OutputFeatures = network.OutputFeatures;
    }

    public int InputFeatures { get; }

    public int OutputFeatures { get; }

    public void Forward(ReadOnlySpan<Dual> input, Span<Dual> output)
    {
        Dual[] hidden = _convolutions[0].Apply(input, _height, _width);
        for (int c = 1; c + 1 < _convolutions.Length; c += 2)
        {
            Dual[] branch = (Dual[])hidden.Clone();
            ReferenceMlp.Activate(_activation, branch);
            Dual[] inner = _convolutions[c].Apply(branch, _height, _width);
            ReferenceMlp.Activate(_activation, inner);
            Dual[] update = _convolutions[c + 1].Apply(inner, _height, _width);
            for (int i = 0; i < hidden.Length; i++)
            {
                hidden[i] += update[i];
            }
        }

        ReferenceMlp.Activate(_activation, hidden);
        _convolutions[^1].Apply(hidden, _height, _width).CopyTo(output);
    }

    /// <summary>One convolution in double; values and derivatives are two sums with the same kernel.</summary>
    private sealed class Convolution(Conv2d layer)
    {
        private readonly double[] _weight = [.. layer.Weight.Value.Data.Select(v => (double)v)];
        private readonly double[] _bias = [.. layer.Bias.Value.Data.Select(v => (double)v)];
        private readonly int _inputs = layer.InputChannels;
        private readonly int _outputs = layer.OutputChannels;
        private readonly int _kernel = layer.KernelSize;

        public Dual[] Apply(ReadOnlySpan<Dual> x, int height, int width)
        {
            int pixels = height * width;
            int p = _kernel / 2;
            double[] values = new double[_outputs * pixels];
            double[] derivatives = new double[_outputs * pixels];
            for (int o = 0; o < _outputs; o++)
            {
                values.AsSpan(o * pixels, pixels).Fill(_bias[o]);
                for (int c = 0; c < _inputs; c++)
                {
                    for (int u = 0; u < _kernel; u++)
                    {
                        for (int v = 0; v < _kernel; v++)
                        {
                            double k = _weight[(((((o * _inputs) + c) * _kernel) + u) * _kernel) + v];
                            for (int i = Math.Max(0, p - u); i < Math.Min(height, height + p - u); i++)
                            {
                                for (int j = Math.Max(0, p - v); j < Math.Min(width, width + p - v); j++)
                                {
                                    Dual input = x[(c * pixels) + ((i + u - p) * width) + j + v - p];
                                    int target = (o * pixels) + (i * width) + j;
                                    values[target] += k * input.Value;
                                    derivatives[target] += k * input.Derivative;
                                }
                            }
                        }
                    }
                }
            }

            var output = new Dual[values.Length];
            for (int i = 0; i < output.Length; i++)
            {
                output[i] = new Dual(values[i], derivatives[i]);
            }

            return output;
        }
    }
}
