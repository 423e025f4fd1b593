using System.Buffers;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// The coupling layer: keep block A, transform block B by a coupling function whose parameters
/// come from a conditioner that reads only A (and any context).
/// </summary>
/// <remarks>
/// <para>y_A = x_A, y_B = g(x_B; θ), θ = c(x_A ‖ context).</para>
/// <para>The Jacobian is block-triangular with identity on A, so
/// log|det J| = Σ_{j∈B} log|∂g_j/∂x_j| and the inverse is x_B = g⁻¹(y_B; c(y_A ‖ context)).</para>
/// <para>θ is (B, |B|·P) for P = <see cref="ParametersPerFeature"/>; each subclass documents its
/// layout. Dinh, Krueger and Bengio, "NICE" (2015), §3.2, <see href="https://arxiv.org/abs/1410.8516"/>.</para>
/// </remarks>
public abstract class CouplingTransform : ITransform, ITrainingCache
{
    private Tensor? _conditionerInput;
    private Tensor? _transformedInput;
    private Tensor? _theta;
    private Tensor? _output;
    private Tensor? _outputBlock;
    private Tensor? _outputGradientBlock;
    private Tensor? _inputGradientBlock;
    private Tensor? _thetaGradient;
    private Tensor? _inputGradient;
    private float[]? _logAbsDet;

    /// <summary>Creates a coupling and checks that the conditioner fits the mask.</summary>
    /// <param name="mask">The split of the features.</param>
    /// <param name="conditioner">Reads |A| + contextFeatures values and writes |B|·P.</param>
    /// <param name="parametersPerFeature">P, the number of θ values per transformed feature.</param>
    /// <param name="contextFeatures">C, the width of the context, 0 for none.</param>
    /// <exception cref="ArgumentException">The conditioner's input or output width does not fit.</exception>
    protected CouplingTransform(
        CouplingMask mask, IConditioner conditioner, int parametersPerFeature, int contextFeatures)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(conditioner);
        ArgumentOutOfRangeException.ThrowIfLessThan(parametersPerFeature, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(contextFeatures);
        int expectedInput = mask.IdentityIndices.Count + contextFeatures;
        int expectedOutput = mask.TransformedIndices.Count * parametersPerFeature;
        if (conditioner.InputFeatures != expectedInput)
        {
            throw new ArgumentException(
                $"The conditioner reads {conditioner.InputFeatures} features but the mask keeps "
                + $"{mask.IdentityIndices.Count} (plus {contextFeatures} context); it must read {expectedInput}.",
                nameof(conditioner));
        }

        if (conditioner.OutputFeatures != expectedOutput)
        {
            throw new ArgumentException(
                $"The conditioner writes {conditioner.OutputFeatures} values but the coupling needs "
                + $"{expectedOutput} ({mask.TransformedIndices.Count} transformed features x "
                + $"{parametersPerFeature} parameters each).",
                nameof(conditioner));
        }

        Mask = mask;
        Conditioner = conditioner;
        ParametersPerFeature = parametersPerFeature;
        ContextFeatures = contextFeatures;
    }

    /// <inheritdoc/>
    public int Features => Mask.Features;

    /// <summary>The split of the features.</summary>
    public CouplingMask Mask { get; }

    /// <summary>The network that produces θ.</summary>
    public IConditioner Conditioner { get; }

    /// <summary>P, the number of θ values per transformed feature.</summary>
    public int ParametersPerFeature { get; }

    /// <summary>C, the width of the context (0 for none).</summary>
    public int ContextFeatures { get; }

    /// <inheritdoc/>
    public virtual IReadOnlyList<Parameter> Parameters => Conditioner.Parameters;

    /// <inheritdoc/>
    public TransformResult Forward(Tensor x, Tensor? context = null) => Apply(x, context, inverse: false);

    /// <inheritdoc/>
    public TransformResult Inverse(Tensor y, Tensor? context = null) => Apply(y, context, inverse: true);

    /// <inheritdoc/>
    public TransformResult ForwardTraining(Tensor x, Tensor? context = null)
    {
        Validate(x, context);
        int rows = x.Rows;
        int transformed = Mask.TransformedIndices.Count;
        Tensor conditionerInput = Tensor.Ensure(ref _conditionerInput, rows, Conditioner.InputFeatures);
        BuildConditionerInput(x, context, conditionerInput);
        _theta = Conditioner.ForwardTraining(conditionerInput);
        Tensor xB = Tensor.Ensure(ref _transformedInput, rows, transformed);
        Gather(x, Mask.TransformedArray, xB);
        Tensor yB = Tensor.Ensure(ref _outputBlock, rows, transformed);
        float[] logAbsDet = RowBuffer.Ensure(ref _logAbsDet, rows);
        Array.Clear(logAbsDet);
        ForwardFunction(xB.Data, _theta.Data, yB.Data, logAbsDet, rows);
        Tensor y = Tensor.EnsureLike(ref _output, x);
        x.Data.CopyTo(y.Data, 0);
        Scatter(yB, Mask.TransformedArray, y);

        return new TransformResult(y, logAbsDet);
    }

    /// <inheritdoc/>
    public Tensor Backward(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor xB = _transformedInput ?? throw new InvalidOperationException(
            "Backward was called before ForwardTraining.");
        Tensor theta = _theta!;
        int rows = xB.Rows;
        int transformed = Mask.TransformedIndices.Count;
        Tensor dyB = Tensor.Ensure(ref _outputGradientBlock, rows, transformed);
        Gather(outputGradient, Mask.TransformedArray, dyB);
        Tensor dxB = Tensor.Ensure(ref _inputGradientBlock, rows, transformed);
        Tensor dTheta = Tensor.Ensure(ref _thetaGradient, rows, theta.RowLength);
        BackwardFunction(xB.Data, theta.Data, dyB.Data, logAbsDetGradient, dxB.Data, dTheta.Data, rows);
        Tensor dConditionerInput = Conditioner.Backward(dTheta);
        Tensor dx = Tensor.EnsureLike(ref _inputGradient, outputGradient);
        outputGradient.Data.CopyTo(dx.Data, 0);
        Scatter(dxB, Mask.TransformedArray, dx);
        AddConditionerGradient(dConditionerInput, dx);

        return dx;
    }

    /// <inheritdoc/>
    public virtual void ReleaseTrainingCache()
    {
        _conditionerInput = null;
        _transformedInput = null;
        _theta = null;
        _output = null;
        _outputBlock = null;
        _outputGradientBlock = null;
        _inputGradientBlock = null;
        _thetaGradient = null;
        _inputGradient = null;
        _logAbsDet = null;
        (Conditioner as ITrainingCache)?.ReleaseTrainingCache();
    }

    /// <summary>Writes y_B = g(x_B; θ) and adds Σ log|∂g/∂x| of each row to logAbsDet.</summary>
    /// <param name="xB">(rows, |B|) inputs of the transformed block.</param>
    /// <param name="theta">(rows, |B|·P) raw parameters.</param>
    /// <param name="yB">(rows, |B|) outputs.</param>
    /// <param name="logAbsDet">Length rows; each row's sum is added.</param>
    /// <param name="rows">The batch size.</param>
    protected abstract void ForwardFunction(
        ReadOnlySpan<float> xB, ReadOnlySpan<float> theta, Span<float> yB, Span<float> logAbsDet, int rows);

    /// <summary>Writes x_B = g⁻¹(y_B; θ) and adds Σ log|∂g⁻¹/∂y| of each row to logAbsDet.</summary>
    /// <param name="yB">(rows, |B|) outputs of the transformed block.</param>
    /// <param name="theta">(rows, |B|·P) raw parameters.</param>
    /// <param name="xB">(rows, |B|) recovered inputs.</param>
    /// <param name="logAbsDet">Length rows; each row's sum is added.</param>
    /// <param name="rows">The batch size.</param>
    protected abstract void InverseFunction(
        ReadOnlySpan<float> yB, ReadOnlySpan<float> theta, Span<float> xB, Span<float> logAbsDet, int rows);

    /// <summary>Back-propagates through the coupling function.</summary>
    /// <param name="xB">(rows, |B|) inputs of the forward pass.</param>
    /// <param name="theta">(rows, |B|·P) raw parameters of the forward pass.</param>
    /// <param name="outputGradient">∂L/∂y_B, (rows, |B|).</param>
    /// <param name="logAbsDetGradient">∂L/∂log|det J| per row.</param>
    /// <param name="inputGradient">Receives ∂L/∂x_B, (rows, |B|).</param>
    /// <param name="thetaGradient">Receives ∂L/∂θ, (rows, |B|·P).</param>
    /// <param name="rows">The batch size.</param>
    protected abstract void BackwardFunction(
        ReadOnlySpan<float> xB,
        ReadOnlySpan<float> theta,
        ReadOnlySpan<float> outputGradient,
        ReadOnlySpan<float> logAbsDetGradient,
        Span<float> inputGradient,
        Span<float> thetaGradient,
        int rows);

    /// <summary>Fills the conditioner's input: the identity features, then the context.</summary>
    /// <param name="x">The batch (either direction: the identity block is the same).</param>
    /// <param name="context">The context, or null.</param>
    /// <param name="destination">(rows, Conditioner.InputFeatures).</param>
    protected virtual void BuildConditionerInput(Tensor x, Tensor? context, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(destination);
        int[] identity = Mask.IdentityArray;
        int width = destination.RowLength;
        int features = x.RowLength;
        for (int i = 0; i < x.Rows; i++)
        {
            Span<float> target = destination.Data.AsSpan(i * width, width);
            ReadOnlySpan<float> source = x.Data.AsSpan(i * features, features);
            for (int j = 0; j < identity.Length; j++)
            {
                target[j] = source[identity[j]];
            }

            context?.Row(i).CopyTo(target[identity.Length..]);
        }
    }

    /// <summary>Adds the conditioner's input gradient into ∂L/∂x at the identity features.</summary>
    /// <param name="conditionerInputGradient">∂L/∂(conditioner input), (rows, Conditioner.InputFeatures).</param>
    /// <param name="inputGradient">∂L/∂x, (rows, D), updated in place.</param>
    protected virtual void AddConditionerGradient(Tensor conditionerInputGradient, Tensor inputGradient)
    {
        ArgumentNullException.ThrowIfNull(conditionerInputGradient);
        ArgumentNullException.ThrowIfNull(inputGradient);
        int[] identity = Mask.IdentityArray;
        int width = conditionerInputGradient.RowLength;
        int features = inputGradient.RowLength;
        for (int i = 0; i < inputGradient.Rows; i++)
        {
            ReadOnlySpan<float> source = conditionerInputGradient.Data.AsSpan(i * width, width);
            Span<float> target = inputGradient.Data.AsSpan(i * features, features);
            for (int j = 0; j < identity.Length; j++)
            {
                target[identity[j]] += source[j];
            }
        }
    }

    private TransformResult Apply(Tensor input, Tensor? context, bool inverse)
    {
        Validate(input, context);
        int rows = input.Rows;
        int transformed = Mask.TransformedIndices.Count;
        Tensor conditionerInput = Tensor.Scratch([rows, Conditioner.InputFeatures]);
        BuildConditionerInput(input, context, conditionerInput);
        // θ and the transformed blocks are scratch: pooled, so that inference on large batches leaves
        // no large garbage behind (θ of a spline coupling on MNIST is 9 MB per 256 rows).
        int thetaLength = rows * Conditioner.OutputFeatures;
        float[] scratch = ArrayPool<float>.Shared.Rent(thetaLength + (2 * rows * transformed));
        Span<float> theta = scratch.AsSpan(0, thetaLength);
        Span<float> inB = scratch.AsSpan(thetaLength, rows * transformed);
        Span<float> outB = scratch.AsSpan(thetaLength + (rows * transformed), rows * transformed);
        Conditioner.Forward(conditionerInput, theta);
        ScratchArrays.Return(conditionerInput.Data);
        Gather(input.Data, input.RowLength, Mask.TransformedArray, inB);
        float[] logAbsDet = ScratchArrays.Rent(rows, clear: true);
        if (inverse)
        {
            InverseFunction(inB, theta, outB, logAbsDet, rows);
        }
        else
        {
            ForwardFunction(inB, theta, outB, logAbsDet, rows);
        }

        Tensor output = input.ScratchCopy();
        Scatter(outB, Mask.TransformedArray, output.Data, output.RowLength);
        ArrayPool<float>.Shared.Return(scratch);

        return new TransformResult(output, logAbsDet);
    }

    private void Validate(Tensor x, Tensor? context)
    {
        ArgumentNullException.ThrowIfNull(x);
        TransformValidation.CheckFeatures(x, Features, nameof(x));
        if (ContextFeatures == 0)
        {
            if (context is not null)
            {
                throw new ArgumentException(
                    "This coupling was built without context; pass null.", nameof(context));
            }

            return;
        }

        TransformValidation.CheckContext(x, context, ContextFeatures);
    }

    private static void Gather(Tensor source, int[] columns, Tensor destination) =>
        Gather(source.Data, source.RowLength, columns, destination.Data);

    private static void Gather(ReadOnlySpan<float> source, int width, int[] columns, Span<float> destination)
    {
        int count = columns.Length;
        int rows = destination.Length / count;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> row = source.Slice(i * width, width);
            Span<float> target = destination.Slice(i * count, count);
            for (int j = 0; j < count; j++)
            {
                target[j] = row[columns[j]];
            }
        }
    }

    private static void Scatter(Tensor block, int[] columns, Tensor destination) =>
        Scatter(block.Data, columns, destination.Data, destination.RowLength);

    private static void Scatter(ReadOnlySpan<float> block, int[] columns, Span<float> destination, int width)
    {
        int count = columns.Length;
        int rows = destination.Length / width;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> source = block.Slice(i * count, count);
            Span<float> row = destination.Slice(i * width, width);
            for (int j = 0; j < count; j++)
            {
                row[columns[j]] = source[j];
            }
        }
    }
}
