using CouplingFlows.Numerics;

namespace CouplingFlows.Diagnostics;

/// <summary>y = x W + b in double, from a float32 (in, out) weight and its bias.</summary>
internal sealed class DenseLayer
{
    private readonly double[] _weight;
    private readonly double[] _bias;

    public DenseLayer(Tensor weight, Tensor bias)
    {
        _weight = [.. weight.Data.Select(v => (double)v)];
        _bias = [.. bias.Data.Select(v => (double)v)];
    }

    public int OutputFeatures => _bias.Length;

    public double[] Apply(ReadOnlySpan<double> input)
    {
        int outs = _bias.Length;
        double[] output = (double[])_bias.Clone();
        ReadOnlySpan<double> weight = _weight;
        for (int k = 0; k < input.Length; k++)
        {
            TensorPrimitives.MultiplyAdd(weight.Slice(k * outs, outs), input[k], output, output);
        }

        return output;
    }
}
