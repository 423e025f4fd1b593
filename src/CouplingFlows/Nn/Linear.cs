using CouplingFlows.Numerics;

namespace CouplingFlows.Nn;

/// <summary>
/// A fully connected layer y = x W + b on a (B, in) batch.
/// </summary>
/// <remarks>
/// <para>W is stored (in, out) row-major and b has length out.</para>
/// <para>Backward: ∂L/∂W += xᵀ ∂L/∂y, ∂L/∂b += Σ_rows ∂L/∂y, ∂L/∂x = ∂L/∂y Wᵀ.</para>
/// </remarks>
public sealed class Linear
{
    /// <summary>Creates a layer with weights drawn by <paramref name="init"/> and zero bias.</summary>
    /// <param name="name">Prefix of the parameter names.</param>
    /// <param name="inputFeatures">in, at least 1.</param>
    /// <param name="outputFeatures">out, at least 1.</param>
    /// <param name="init">The weight initialisation.</param>
    /// <param name="random">The random source for the draw.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public Linear(string name, int inputFeatures, int outputFeatures, WeightInit init, RandomSource random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputFeatures, 1);
        ArgumentNullException.ThrowIfNull(random);
        InputFeatures = inputFeatures;
        OutputFeatures = outputFeatures;
        Weight = new Parameter(name + ".weight", new Tensor(inputFeatures, outputFeatures));
        Bias = new Parameter(name + ".bias", new Tensor(outputFeatures));
        Initialize(init, random);
    }

    /// <summary>The number of input features.</summary>
    public int InputFeatures { get; }

    /// <summary>The number of output features.</summary>
    public int OutputFeatures { get; }

    /// <summary>W, shape (in, out).</summary>
    public Parameter Weight { get; }

    /// <summary>b, shape (out).</summary>
    public Parameter Bias { get; }

    /// <summary>Redraws the weights and zeroes the bias.</summary>
    /// <param name="init">The weight initialisation.</param>
    /// <param name="random">The random source.</param>
    public void Initialize(WeightInit init, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Span<float> w = Weight.Value.Data;
        switch (init)
        {
            case WeightInit.GlorotUniform:
                float bound = MathF.Sqrt(6f / (InputFeatures + OutputFeatures));
                random.FillUniform(w, -bound, bound);
                break;
            case WeightInit.StandardNormal:
                random.FillGaussian(w);
                break;
            case WeightInit.Zeros:
                w.Clear();
                break;
            case WeightInit.LeCunUniform:
                float limit = 1f / MathF.Sqrt(InputFeatures);
                random.FillUniform(w, -limit, limit);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(init), init, "Unknown weight initialisation.");
        }

        Array.Clear(Bias.Value.Data);
    }

    /// <summary>y = x W + b.</summary>
    /// <param name="input">x, (B, in) values row-major.</param>
    /// <param name="output">y, (B, out); overwritten.</param>
    /// <param name="rows">B.</param>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int rows)
    {
        int outs = OutputFeatures;
        ReadOnlySpan<float> bias = Bias.Value.Data;
        for (int i = 0; i < rows; i++)
        {
            bias.CopyTo(output.Slice(i * outs, outs));
        }

        Gemm.MultiplyCounted(
            MatrixLayout.Normal, MatrixLayout.Normal, rows, outs, InputFeatures,
            input, Weight.Value.Data, output, accumulate: true);
    }

    /// <summary>Accumulates parameter gradients and, when asked, writes ∂L/∂x.</summary>
    /// <param name="input">The x of the forward pass, (B, in).</param>
    /// <param name="outputGradient">∂L/∂y, (B, out).</param>
    /// <param name="inputGradient">Receives ∂L/∂x, (B, in); empty to skip it.</param>
    /// <param name="rows">B.</param>
    public void Backward(
        ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, Span<float> inputGradient, int rows)
    {
        int ins = InputFeatures;
        int outs = OutputFeatures;
        Gemm.MultiplyCounted(
            MatrixLayout.Transposed, MatrixLayout.Normal, ins, outs, rows,
            input, outputGradient, Weight.Gradient.Data, accumulate: true);
        Span<float> biasGradient = Bias.Gradient.Data;
        for (int i = 0; i < rows; i++)
        {
            TensorPrimitives.Add(biasGradient, outputGradient.Slice(i * outs, outs), biasGradient);
        }

        if (!inputGradient.IsEmpty)
        {
            Gemm.MultiplyCounted(
                MatrixLayout.Normal, MatrixLayout.Transposed, rows, ins, outs,
                outputGradient, Weight.Value.Data, inputGradient, accumulate: false);
        }
    }
}
