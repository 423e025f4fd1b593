using System.Numerics;
using System.Runtime.InteropServices;

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
                TanhDerivative(output, gradient);
                break;
            case Activation.Relu:
                ReluDerivative(output, gradient);
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

    /// <summary>g ← g · (1 − a²), a vector at a time.</summary>
    private static void TanhDerivative(ReadOnlySpan<float> output, Span<float> gradient)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> a = MemoryMarshal.Cast<float, Vector<float>>(output[..gradient.Length]);
            Span<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradient);
            for (int v = 0; v < g.Length; v++)
            {
                g[v] *= Vector<float>.One - (a[v] * a[v]);
            }

            i = g.Length * Vector<float>.Count;
        }

        for (; i < gradient.Length; i++)
        {
            float a = output[i];
            gradient[i] *= 1f - (a * a);
        }
    }

    /// <summary>g ← g where a &gt; 0, else 0: a mask, not a branch, since the signs are random.</summary>
    private static void ReluDerivative(ReadOnlySpan<float> output, Span<float> gradient)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            ReadOnlySpan<Vector<float>> a = MemoryMarshal.Cast<float, Vector<float>>(output[..gradient.Length]);
            Span<Vector<float>> g = MemoryMarshal.Cast<float, Vector<float>>(gradient);
            for (int v = 0; v < g.Length; v++)
            {
                g[v] = Vector.ConditionalSelect(Vector.GreaterThan(a[v], Vector<float>.Zero), g[v], Vector<float>.Zero);
            }

            i = g.Length * Vector<float>.Count;
        }

        for (; i < gradient.Length; i++)
        {
            gradient[i] = output[i] > 0f ? gradient[i] : 0f;
        }
    }
}
