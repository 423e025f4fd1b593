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
/// </remarks>
public sealed class ResidualConvNet : IConditioner
{
    /// <summary>Images per chunk in <see cref="Forward"/>.</summary>
    public const int ChunkImages = 64;

    private readonly Conv2d _input;
    private readonly Conv2d[] _blockConvolutions;
    private readonly Conv2d _output;
    private readonly Parameter[] _parameters;
    private readonly Activation _activation;
    private Tensor? _trainingInput;
    private Activations? _trainingState;
    private Tensor? _inputGradient;
    private float[]? _hiddenGradient;
    private float[]? _branchGradient;
    private float[]? _innerGradient;

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
        _parameters = [.. Convolutions.SelectMany(conv => new[] { conv.Weight, conv.Bias })];
    }

    /// <summary>(C_in, H, W) of one input image.</summary>
    public ImageShape InputShape { get; }

    /// <summary>C_out.</summary>
    public int OutputChannels { get; }

    /// <summary>The number of residual blocks N.</summary>
    public int Blocks => _blockConvolutions.Length / 2;

    /// <summary>The width of the hidden maps.</summary>
    public int HiddenChannels => _input.OutputChannels;

    /// <inheritdoc/>
    public int InputFeatures => InputShape.Length;

    /// <inheritdoc/>
    public int OutputFeatures => OutputChannels * InputShape.Pixels;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Every convolution in forward order: in, the two of each block, out.</summary>
    public IReadOnlyList<Conv2d> Convolutions => [_input, .. _blockConvolutions, _output];

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        CheckInput(input, nameof(input));
        int rows = input.Rows;
        var result = new Tensor(rows, OutputFeatures);
        Activations? state = null;
        for (int start = 0; start < rows; start += ChunkImages)
        {
            int count = Math.Min(ChunkImages, rows - start);
            state = state is not null && state.Images == count ? state : new Activations(this, count);
            ReadOnlySpan<float> x = input.Data.AsSpan(start * InputFeatures, count * InputFeatures);
            Span<float> theta = result.Data.AsSpan(start * OutputFeatures, count * OutputFeatures);
            Run(x, theta, state);
        }

        return result;
    }

    /// <inheritdoc/>
    public Tensor ForwardTraining(Tensor input)
    {
        CheckInput(input, nameof(input));
        int rows = input.Rows;
        if (_trainingState is null || _trainingState.Images != rows)
        {
            _trainingState = new Activations(this, rows);
        }

        _trainingInput = input;
        Run(input.Data, _trainingState.Output.Data, _trainingState);

        return _trainingState.Output;
    }

    /// <inheritdoc/>
    /// <remarks>Through a block, ∂L/∂h_l = ∂L/∂h_{l+1} + the branch's gradient; through an
    /// activation, the incoming gradient is multiplied by a′ computed from the activation's output.</remarks>
    public Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor input = _trainingInput ?? throw new InvalidOperationException(
            "Backward was called before ForwardTraining.");
        Activations state = _trainingState!;
        int rows = input.Rows;
        (int h, int w) = (InputShape.Height, InputShape.Width);
        int hiddenLength = rows * HiddenChannels * InputShape.Pixels;
        EnsureGradientBuffers(hiddenLength);
        Span<float> dHidden = _hiddenGradient.AsSpan(0, hiddenLength);
        Span<float> dBranch = _branchGradient.AsSpan(0, hiddenLength);
        Span<float> dInner = _innerGradient.AsSpan(0, hiddenLength);

        _output.Backward(state.Final, outputGradient.Data, dHidden, rows, h, w);
        ActivationFunctions.MultiplyByDerivative(_activation, state.Final, dHidden);
        for (int l = Blocks - 1; l >= 0; l--)
        {
            _blockConvolutions[(2 * l) + 1].Backward(state.Inner[l], dHidden, dInner, rows, h, w);
            ActivationFunctions.MultiplyByDerivative(_activation, state.Inner[l], dInner);
            _blockConvolutions[2 * l].Backward(state.Outer[l], dInner, dBranch, rows, h, w);
            ActivationFunctions.MultiplyByDerivative(_activation, state.Outer[l], dBranch);
            TensorPrimitives.Add(dHidden, dBranch, dHidden);
        }

        Tensor dx = Tensor.Ensure(ref _inputGradient, rows, InputFeatures);
        _input.Backward(input.Data, dHidden, dx.Data, rows, h, w);

        return dx;
    }

    /// <summary>Runs the layers on <c>state.Images</c> images, keeping every activation in state.</summary>
    private void Run(ReadOnlySpan<float> x, Span<float> theta, Activations state)
    {
        int images = state.Images;
        (int h, int w) = (InputShape.Height, InputShape.Width);
        _input.Forward(x, state.Hidden, images, h, w);
        for (int l = 0; l < Blocks; l++)
        {
            state.Hidden.CopyTo(state.Outer[l], 0);
            ActivationFunctions.Apply(_activation, state.Outer[l]);
            _blockConvolutions[2 * l].Forward(state.Outer[l], state.Inner[l], images, h, w);
            ActivationFunctions.Apply(_activation, state.Inner[l]);
            _blockConvolutions[(2 * l) + 1].Forward(state.Inner[l], state.Branch, images, h, w);
            TensorPrimitives.Add(state.Hidden, state.Branch, state.Hidden);
        }

        state.Hidden.CopyTo(state.Final, 0);
        ActivationFunctions.Apply(_activation, state.Final);
        _output.Forward(state.Final, theta, images, h, w);
    }

    private void EnsureGradientBuffers(int length)
    {
        if (_hiddenGradient is null || _hiddenGradient.Length != length)
        {
            _hiddenGradient = new float[length];
            _branchGradient = new float[length];
            _innerGradient = new float[length];
        }
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

            Output = new Tensor(images, net.OutputFeatures);
        }

        public int Images { get; }

        public float[] Hidden { get; }

        public float[] Branch { get; }

        public float[] Final { get; }

        public float[][] Outer { get; }

        public float[][] Inner { get; }

        public Tensor Output { get; }
    }
}
