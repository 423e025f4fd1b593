using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Support;

/// <summary>A parameter-free conditioner θ = g(input) given by a function, for right-value tests.</summary>
public sealed class FunctionConditioner(int inputs, int outputs, Action<float[], float[]> map) : IConditioner
{
    public int InputFeatures => inputs;

    public int OutputFeatures => outputs;

    public IReadOnlyList<Parameter> Parameters => [];

    public Tensor Forward(Tensor input)
    {
        var output = new Tensor(input.Rows, outputs);
        for (int i = 0; i < input.Rows; i++)
        {
            float[] row = new float[outputs];
            map(input.Row(i).ToArray(), row);
            row.CopyTo(output.Row(i));
        }

        return output;
    }

    public Tensor ForwardTraining(Tensor input) => Forward(input);

    public Tensor Backward(Tensor outputGradient) => new(outputGradient.Rows, inputs);
}
