
namespace CouplingFlows.Nn;

/// <summary>Forward and backward kernels of the element-wise activations.</summary>
/// <remarks>Every derivative is computed from the activation's output a, so that a layer only
/// keeps its output for the backward pass.</remarks>
internal static class ActivationFunctions
{
    /// <summary>Applies the activation in place.</summary>
    public static void Apply(Activation activation, Span<float> values)
    {
        switch (activation)
        {
            case Activation.Identity:
                break;
            case Activation.Tanh:
                TensorPrimitives.Tanh(values, values);
                break;
            case Activation.Relu:
                TensorPrimitives.Max(values, 0f, values);
                break;
            case Activation.Elu:
                for (int i = 0; i < values.Length; i++)
                {
                    float h = values[i];
                    values[i] = h > 0f ? h : MathF.Exp(h) - 1f;
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }

    /// <summary>Multiplies the incoming gradient in place by a′, computed from the output a.</summary>
    public static void MultiplyByDerivative(Activation activation, ReadOnlySpan<float> output, Span<float> gradient)
    {
        switch (activation)
        {
            case Activation.Identity:
                break;
            case Activation.Tanh:
                for (int i = 0; i < gradient.Length; i++)
                {
                    float a = output[i];
                    gradient[i] *= 1f - (a * a);
                }

                break;
            case Activation.Relu:
                for (int i = 0; i < gradient.Length; i++)
                {
                    if (output[i] <= 0f)
                    {
                        gradient[i] = 0f;
                    }
                }

                break;
            case Activation.Elu:
                for (int i = 0; i < gradient.Length; i++)
                {
                    float a = output[i];
                    if (a <= 0f)
                    {
                        gradient[i] *= a + 1f;
                    }
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation.");
        }
    }
}
