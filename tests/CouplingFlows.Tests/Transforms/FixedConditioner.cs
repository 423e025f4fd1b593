using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Transforms;

/// <summary>A test conditioner that ignores its input and gives every row the same θ, a learnable
/// parameter, so a coupling's θ can be set and its θ gradient read directly.</summary>
internal sealed class FixedConditioner : IConditioner
{
    private readonly Parameter _theta;

    public FixedConditioner(int inputFeatures, float[] theta)
    {
        InputFeatures = inputFeatures;
        OutputFeatures = theta.Length;
        _theta = new Parameter("theta", new Tensor((float[])theta.Clone(), theta.Length));
    }

    public int InputFeatures { get; }

    public int OutputFeatures { get; }

    public IReadOnlyList<Parameter> Parameters => [_theta];

    public Tensor Theta => _theta.Value;

    /// <summary>∂L/∂θ per row from the last backward pass.</summary>
    public Tensor? LastOutputGradient { get; private set; }

    public Tensor Forward(Tensor input)
    {
        var output = new Tensor(input.Rows, OutputFeatures);
        for (int i = 0; i < input.Rows; i++)
        {
            _theta.Value.Data.CopyTo(output.Row(i));
        }

        return output;
    }

    public Tensor ForwardTraining(Tensor input) => Forward(input);

    public Tensor Backward(Tensor outputGradient)
    {
        LastOutputGradient = outputGradient.Clone();
        float[] gradient = _theta.Gradient.Data;
        for (int i = 0; i < outputGradient.Rows; i++)
        {
            Span<float> row = outputGradient.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                gradient[j] += row[j];
            }
        }

        return new Tensor(outputGradient.Rows, InputFeatures);
    }
}
