using CouplingFlows.Numerics;

namespace CouplingFlows.Diagnostics;

/// <summary>y = x W + b in double on dual numbers, from a float32 (in, out) weight and its bias.</summary>
/// <remarks>Values and derivatives are two separate products with the same W: y = xW + b and
/// y′ = x′W.</remarks>
internal sealed class DenseLayer
{
    private readonly double[] _weight;
    private readonly double[] _bias;

    public DenseLayer(Tensor weight, Tensor bias)
    {
        _weight = [.. weight.Data.Select(v => (double)v)];
        _bias = [.. bias.Data.Select(v => (double)v)];
    }

    public Dual[] Apply(ReadOnlySpan<Dual> input)
    {
        int outs = _bias.Length;
        double[] values = (double[])_bias.Clone();
        double[] derivatives = new double[outs];
        ReadOnlySpan<double> weight = _weight;
        for (int k = 0; k < input.Length; k++)
        {
            ReadOnlySpan<double> row = weight.Slice(k * outs, outs);
            TensorPrimitives.MultiplyAdd(row, input[k].Value, values, values);
            if (input[k].Derivative != 0)
            {
                TensorPrimitives.MultiplyAdd(row, input[k].Derivative, derivatives, derivatives);
            }
        }

        var output = new Dual[outs];
        for (int o = 0; o < outs; o++)
        {
            output[o] = new Dual(values[o], derivatives[o]);
        }

        return output;
    }
}
