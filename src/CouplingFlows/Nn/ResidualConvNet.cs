using CouplingFlows.Numerics;

namespace CouplingFlows.Nn;

/// <summary>
/// A residual convolutional conditioner over flattened image rows: a convolution in, residual
/// blocks, a convolution out.
/// </summary>
/// <remarks>
/// <para>With a(·) the activation and every convolution k×k with same padding:
/// h₀ = conv_in(x); h_{l+1} = h_l + conv_{l,2}(a(conv_{l,1}(a(h_l)))) for l = 0..N−1;
/// θ = conv_out(a(h_N)).</para>
/// <para>Shapes: input (B, C_in·H·W) read as (B, C_in, H, W); hidden maps (B, width, H, W);
/// output (B, C_out·H·W) laid out as (B, C_out, H, W). Because every layer keeps the image size,
/// output channel o at pixel (i, j) is θ index o·H·W + i·W + j.</para>
/// <para>The skip connections follow He et al., "Deep Residual Learning for Image Recognition"
/// (2016), <see href="https://arxiv.org/abs/1512.03385"/>, as RealNVP's s and t networks do
/// (Dinh, Sohl-Dickstein and Bengio, 2017, §4.1, <see href="https://arxiv.org/abs/1605.08803"/>).</para>
/// <para><see cref="Forward"/> works through the batch in chunks of <see cref="ChunkImages"/> images
/// so that scoring a large set needs bounded memory.</para>
/// <para>A batch of two or more images is split into two halves that go through the whole network on
/// two threads when the machine has more than one core. Every image is computed on its own, and the
/// halves' parameter gradients are added in a fixed order, so the results are the same bits on any
/// number of cores.</para>
/// </remarks>
public sealed class ResidualConvNet : IConditioner
{
    /// <summary>Images per chunk in <see cref="Forward"/>.</summary>
    public const int ChunkImages = 64;

    private readonly Conv2d _input;
    private readonly Conv2d[] _blockConvolutions;
    private readonly Conv2d _output;
    private readonly Conv2d[] _convolutions;
    private readonly Parameter[] _parameters;
    private readonly Activation _activation;
    private Tensor? _trainingInput;
    private Tensor? _trainingOutput;
    private Part[]? _parts;
    private Tensor? _inputGradient;

    /// <summary>Creates the network.</summary>
    /// <param name="name">Prefix of the parameter names.</param>
    /// <param name="inputShape">(C_in, H, W) of one input image.</param>
    /// <param name="outputChannels">C_out, at least 1.</param>
    /// <param name="options">Width, blocks, activation, initialisation and kernel size.</param>
    /// <param name="random">The random source for the weights.</param>
    /// <exception cref="ArgumentException">The shape or an option is out of range.</exception>
    public ResidualConvNet(
        string name, ImageShape inputShape, int outputChannels, ResidualConvNetOptions options, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        inputShape.Validate(nameof(inputShape));
        ArgumentOutOfRangeException.ThrowIfLessThan(outputChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HiddenChannels, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.Blocks, nameof(options));
        InputShape = inputShape;
        OutputChannels = outputChannels;
        _activation = options.Activation;
        int width = options.HiddenChannels;
        int k = options.KernelSize;
        _input = new Conv2d($"{name}.in", inputShape.Channels, width, k, options.Init, random);
        _blockConvolutions = new Conv2d[2 * options.Blocks];
        for (int l = 0; l < options.Blocks; l++)
        {
            _blockConvolutions[2 * l] = new Conv2d($"{name}.block{l}.conv1", width, width, k, options.Init, random);
            _blockConvolutions[(2 * l) + 1] = new Conv2d(
                $"{name}.block{l}.conv2", width, width, k, options.Init, random);
        }

        WeightInit lastInit = options.ZeroLastLayer ? WeightInit.Zeros : options.Init;
        _output = new Conv2d($"{name}.out", width, outputChannels, k, lastInit, random);
        _convolutions = [_input, .. _blockConvolutions, _output];
        _parameters = [.. _convolutions.SelectMany(conv => new[] { conv.Weight, conv.Bias })];
    }

    /// <summary>(C_in, H, W) of one input image.</summary>
    public ImageShape InputShape { get; }

    /// <summary>C_out.</summary>
    public int OutputChannels { get; }

    /// <summary>The number of residual blocks N.</summary>
    public int Blocks => _blockConvolutions.Length / 2;

    /// <summary>The non-linearity inside and after the blocks.</summary>
    public Activation Activation => _activation;

    /// <summary>The width of the hidden maps.</summary>
    public int HiddenChannels => _input.OutputChannels;

    /// <inheritdoc/>
    public int InputFeatures => InputShape.Length;

    /// <inheritdoc/>
    public int OutputFeatures => OutputChannels * InputShape.Pixels;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Every convolution in forward order: in, the two of each block, out.</summary>
    public IReadOnlyList<Conv2d> Convolutions => _convolutions;

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        CheckInput(input, nameof(input));
        var result = new Tensor(input.Rows, OutputFeatures);
        (int First, int Count)[] ranges = Split(input.Rows);
        int degree = ProductThreads(ranges.Length);
        RunParts(ranges.Length, p => ForwardChunks(input, result, ranges[p].First, ranges[p].Count, degree));

        return result;
    }

    /// <inheritdoc/>
    public Tensor ForwardTraining(Tensor input)
    {
        CheckInput(input, nameof(input));
        int rows = input.Rows;
        if (_parts is null || _trainingOutput is null || _trainingOutput.Rows != rows)
        {
            _parts = [.. Split(rows).Select(range => new Part(this, range.First, range.Count))];
            _trainingOutput = new Tensor(rows, OutputFeatures);
        }

        _trainingInput = input;
        Part[] parts = _parts;
        Tensor output = _trainingOutput;
        int degree = ProductThreads(parts.Length);
        RunParts(parts.Length, p =>
        {
            Part part = parts[p];
            Run(
                input.Data.AsSpan(part.First * InputFeatures, part.Count * InputFeatures),
                output.Data.AsSpan(part.First * OutputFeatures, part.Count * OutputFeatures),
                part.State,
                degree);
        });

        return output;
    }

    /// <inheritdoc/>
    /// <remarks>Through a block, ∂L/∂h_l = ∂L/∂h_{l+1} + the branch's gradient; through an
    /// activation, the incoming gradient is multiplied by a′ computed from the activation's output.</remarks>
    public Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor input = _trainingInput ?? throw new InvalidOperationException(
            "Backward was called before ForwardTraining.");
        Part[] parts = _parts!;
        foreach (Conv2d conv in _convolutions)
        {
            conv.PrepareBackward();
        }

        Tensor dx = Tensor.Ensure(ref _inputGradient, input.Rows, InputFeatures);
        int degree = ProductThreads(parts.Length);
        RunParts(parts.Length, p => BackwardPart(parts[p], input, outputGradient, dx, degree));
        for (int c = 0; c < _convolutions.Length; c++)
        {
            foreach (Part part in parts)
            {
                _convolutions[c].AddGradients(part.Sinks[c]);
            }
        }

        return dx;
    }

    /// <summary>The fixed split of a batch: two halves (the first one larger when B is odd), or the
    /// whole batch when B &lt; 2.</summary>
    private static (int First, int Count)[] Split(int rows)
    {
        if (rows < 2)
        {
            return [(0, rows)];
        }

        int half = (rows + 1) / 2;
        return [(0, half), (half, rows - half)];
    }

    /// <summary>Threads each matrix product may use: one when the parts already run in parallel.</summary>
    private static int ProductThreads(int parts) =>
        parts > 1 && Environment.ProcessorCount > 1 ? 1 : Gemm.MaxDegreeOfParallelism;

    /// <summary>Runs part 0..count−1, on several threads when there are several cores.</summary>
    private static void RunParts(int count, Action<int> body)
    {
        if (count == 1 || Environment.ProcessorCount == 1)
        {
            for (int p = 0; p < count; p++)
            {
                body(p);
            }

            return;
        }

        Parallel.For(0, count, body);
    }

    private void ForwardChunks(Tensor input, Tensor result, int first, int count, int degree)
    {
        Activations? state = null;
        for (int start = first; start < first + count; start += ChunkImages)
        {
            int images = Math.Min(ChunkImages, first + count - start);
            state = state is not null && state.Images == images ? state : new Activations(this, images);
            Run(
                input.Data.AsSpan(start * InputFeatures, images * InputFeatures),
                result.Data.AsSpan(start * OutputFeatures, images * OutputFeatures),
                state,
                degree);
        }
    }

    /// <summary>Runs the layers on <c>state.Images</c> images, keeping every activation in state.</summary>
    private void Run(ReadOnlySpan<float> x, Span<float> theta, Activations state, int degree)
    {
        int images = state.Images;
        (int h, int w) = (InputShape.Height, InputShape.Width);
        _input.ForwardCore(x, state.Hidden, images, h, w, degree);
        for (int l = 0; l < Blocks; l++)
        {
            state.Hidden.CopyTo(state.Outer[l], 0);
            ActivationFunctions.Apply(_activation, state.Outer[l]);
            _blockConvolutions[2 * l].ForwardCore(state.Outer[l], state.Inner[l], images, h, w, degree);
            ActivationFunctions.Apply(_activation, state.Inner[l]);
            _blockConvolutions[(2 * l) + 1].ForwardCore(state.Inner[l], state.Branch, images, h, w, degree);
            TensorPrimitives.Add(state.Hidden, state.Branch, state.Hidden);
        }

        state.Hidden.CopyTo(state.Final, 0);
        ActivationFunctions.Apply(_activation, state.Final);
        _output.ForwardCore(state.Final, theta, images, h, w, degree);
    }

    private void BackwardPart(Part part, Tensor input, Tensor outputGradient, Tensor inputGradient, int degree)
    {
        Activations state = part.State;
        int images = part.Count;
        (int h, int w) = (InputShape.Height, InputShape.Width);
        Span<float> dHidden = part.HiddenGradient;
        Span<float> dBranch = part.BranchGradient;
        Span<float> dInner = part.InnerGradient;
        ReadOnlySpan<float> dTheta = outputGradient.Data.AsSpan(
            part.First * OutputFeatures, images * OutputFeatures);
        Conv2d.GradientSink[] sinks = part.Sinks;

        _output.BackwardInto(state.Final, dTheta, dHidden, images, h, w, sinks[^1], degree);
        ActivationFunctions.MultiplyByDerivative(_activation, state.Final, dHidden);
        for (int l = Blocks - 1; l >= 0; l--)
        {
            _blockConvolutions[(2 * l) + 1].BackwardInto(
                state.Inner[l], dHidden, dInner, images, h, w, sinks[(2 * l) + 2], degree);
            ActivationFunctions.MultiplyByDerivative(_activation, state.Inner[l], dInner);
            _blockConvolutions[2 * l].BackwardInto(
                state.Outer[l], dInner, dBranch, images, h, w, sinks[(2 * l) + 1], degree);
            ActivationFunctions.MultiplyByDerivative(_activation, state.Outer[l], dBranch);
            TensorPrimitives.Add(dHidden, dBranch, dHidden);
        }

        _input.BackwardInto(
            input.Data.AsSpan(part.First * InputFeatures, images * InputFeatures), dHidden,
            inputGradient.Data.AsSpan(part.First * InputFeatures, images * InputFeatures), images, h, w, sinks[0],
            degree);
    }

    private void CheckInput(Tensor input, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(input, parameterName);
        if (input.Rank < 2 || input.RowLength != InputFeatures)
        {
            throw new ArgumentException(
                $"{parameterName} has shape {input.ShapeText()} but the network reads images of {InputShape} "
                + $"({InputFeatures} values per row).",
                parameterName);
        }
    }

    /// <summary>The feature maps of one forward pass over a fixed number of images.</summary>
    /// <remarks>Hidden holds h_l as the blocks advance (h_N at the end); Outer[l] = a(h_l);
    /// Inner[l] = a(conv_{l,1}(Outer[l])); Branch is scratch for conv_{l,2}; Final = a(h_N).</remarks>
    private sealed class Activations
    {
        public Activations(ResidualConvNet net, int images)
        {
            Images = images;
            int length = images * net.HiddenChannels * net.InputShape.Pixels;
            Hidden = new float[length];
            Branch = new float[length];
            Final = new float[length];
            Outer = new float[net.Blocks][];
            Inner = new float[net.Blocks][];
            for (int l = 0; l < net.Blocks; l++)
            {
                Outer[l] = new float[length];
                Inner[l] = new float[length];
            }
        }

        public int Images { get; }

        public float[] Hidden { get; }

        public float[] Branch { get; }

        public float[] Final { get; }

        public float[][] Outer { get; }

        public float[][] Inner { get; }
    }

    /// <summary>One part of a training batch: its rows, activations, gradient buffers and the
    /// convolutions' gradient sinks (in <see cref="Convolutions"/> order).</summary>
    private sealed class Part
    {
        public Part(ResidualConvNet net, int first, int count)
        {
            First = first;
            Count = count;
            State = new Activations(net, count);
            int length = count * net.HiddenChannels * net.InputShape.Pixels;
            HiddenGradient = new float[length];
            BranchGradient = new float[length];
            InnerGradient = new float[length];
            Sinks = [.. net._convolutions.Select(conv => new Conv2d.GradientSink(conv))];
        }

        public int First { get; }

        public int Count { get; }

        public Activations State { get; }

        public float[] HiddenGradient { get; }

        public float[] BranchGradient { get; }

        public float[] InnerGradient { get; }

        public Conv2d.GradientSink[] Sinks { get; }
    }
}
