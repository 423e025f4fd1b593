using CouplingFlows.Numerics;

namespace CouplingFlows.Nn;

/// <summary>
/// A residual multilayer perceptron conditioner: in → H, then residual blocks on a width-H stream,
/// then H → out.
/// </summary>
/// <remarks>
/// <para>h₀ = x W_in + b_in,</para>
/// <para>h_{l+1} = h_l + a(a(h_l) W_{l,1} + b_{l,1}) W_{l,2} + b_{l,2} for l = 0..L − 1
/// (pre-activation blocks: each branch starts with the non-linearity a),</para>
/// <para>θ = h_L W_out + b_out.</para>
/// <para>The skip connections pass gradients through deep stacks unchanged; the neural spline flow
/// conditioners are residual networks of this kind. He, Zhang, Ren and Sun, "Identity mappings in
/// deep residual networks" (2016), §4, <see href="https://arxiv.org/abs/1603.05027"/>; Durkan et al.,
/// "Neural Spline Flows" (2019), §5, <see href="https://arxiv.org/abs/1906.04032"/>.</para>
/// </remarks>
public sealed class ResidualMlp : IConditioner
{
    private readonly Linear _inputLayer;
    private readonly Linear[] _blockLayers;
    private readonly Linear _outputLayer;
    private readonly Parameter[] _parameters;
    private readonly Activation _activation;
    private readonly Tensor?[] _streams;
    private readonly Tensor?[] _branchInputs;
    private readonly Tensor?[] _branchHidden;
    private Tensor? _trainingInput;
    private Tensor? _output;
    private Tensor? _streamGradient;
    private Tensor? _hiddenGradient;
    private Tensor? _branchGradient;
    private Tensor? _inputGradient;

    /// <summary>Creates a residual MLP.</summary>
    /// <param name="name">Prefix of the parameter names.</param>
    /// <param name="inputFeatures">Input width, at least 1.</param>
    /// <param name="outputFeatures">Output width, at least 1.</param>
    /// <param name="options">Hidden width, block count, activation and initialisation.</param>
    /// <param name="random">The random source for the weights.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A width is below 1 or the block count is
    /// negative.</exception>
    public ResidualMlp(
        string name, int inputFeatures, int outputFeatures, ResidualMlpOptions options, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.Blocks, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HiddenFeatures, 1, nameof(options));
        InputFeatures = inputFeatures;
        OutputFeatures = outputFeatures;
        _activation = options.Activation;
        int hidden = options.HiddenFeatures;
        _inputLayer = new Linear($"{name}.input", inputFeatures, hidden, options.Init, random);
        _blockLayers = new Linear[2 * options.Blocks];
        for (int b = 0; b < options.Blocks; b++)
        {
            string prefix = $"{name}.block{b}";
            _blockLayers[2 * b] = new Linear($"{prefix}.first", hidden, hidden, options.Init, random);
            _blockLayers[(2 * b) + 1] = new Linear($"{prefix}.second", hidden, hidden, options.Init, random);
        }

        WeightInit lastInit = options.ZeroLastLayer ? WeightInit.Zeros : options.Init;
        _outputLayer = new Linear($"{name}.output", hidden, outputFeatures, lastInit, random);
        Linear[] all = [_inputLayer, .. _blockLayers, _outputLayer];
        _parameters = [.. all.SelectMany(layer => new[] { layer.Weight, layer.Bias })];
        _streams = new Tensor?[options.Blocks + 1];
        _branchInputs = new Tensor?[options.Blocks];
        _branchHidden = new Tensor?[options.Blocks];
    }

    /// <inheritdoc/>
    public int InputFeatures { get; }

    /// <inheritdoc/>
    public int OutputFeatures { get; }

    /// <summary>L, the number of residual blocks.</summary>
    public int Blocks => _branchInputs.Length;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The non-linearity a of the residual branches.</summary>
    public Activation Activation => _activation;

    /// <summary>The output layer (W_out, b_out).</summary>
    public Linear OutputLayer => _outputLayer;

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int rows = input.Rows;
        int hidden = _inputLayer.OutputFeatures;
        var stream = new Tensor(rows, hidden);
        var branchInput = new Tensor(rows, hidden);
        var branchHidden = new Tensor(rows, hidden);
        var branchOutput = new Tensor(rows, hidden);
        _inputLayer.Forward(input.Data, stream.Data, rows);
        for (int b = 0; b < Blocks; b++)
        {
            RunBlock(b, stream, branchInput, branchHidden, branchOutput, rows);
            TensorPrimitives.Add(stream.Data, branchOutput.Data, stream.Data);
        }

        var output = new Tensor(rows, OutputFeatures);
        _outputLayer.Forward(stream.Data, output.Data, rows);

        return output;
    }

    /// <inheritdoc/>
    public Tensor ForwardTraining(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int rows = input.Rows;
        int hidden = _inputLayer.OutputFeatures;
        _trainingInput = input;
        Tensor stream = Tensor.Ensure(ref _streams[0], rows, hidden);
        _inputLayer.Forward(input.Data, stream.Data, rows);
        for (int b = 0; b < Blocks; b++)
        {
            Tensor branchInput = Tensor.Ensure(ref _branchInputs[b], rows, hidden);
            Tensor branchHidden = Tensor.Ensure(ref _branchHidden[b], rows, hidden);
            Tensor next = Tensor.Ensure(ref _streams[b + 1], rows, hidden);
            RunBlock(b, stream, branchInput, branchHidden, next, rows);
            TensorPrimitives.Add(next.Data, stream.Data, next.Data);
            stream = next;
        }

        Tensor output = Tensor.Ensure(ref _output, rows, OutputFeatures);
        _outputLayer.Forward(stream.Data, output.Data, rows);

        return output;
    }

    /// <inheritdoc/>
    /// <remarks>
    /// ∂L/∂h_L = ∂L/∂θ W_outᵀ; through block l, ∂L/∂h_l = ∂L/∂h_{l+1} + a′ ⊙ ((a′ ⊙ ∂L/∂h_{l+1} W_{l,2}ᵀ)
    /// W_{l,1}ᵀ), each a′ taken at the activation it follows; finally ∂L/∂x = ∂L/∂h₀ W_inᵀ.
    /// </remarks>
    public Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor input = _trainingInput
            ?? throw new InvalidOperationException("Backward was called before ForwardTraining.");
        int rows = input.Rows;
        int hidden = _inputLayer.OutputFeatures;
        Tensor streamGradient = Tensor.Ensure(ref _streamGradient, rows, hidden);
        Tensor hiddenGradient = Tensor.Ensure(ref _hiddenGradient, rows, hidden);
        Tensor branchGradient = Tensor.Ensure(ref _branchGradient, rows, hidden);
        _outputLayer.Backward(_streams[Blocks]!.Data, outputGradient.Data, streamGradient.Data, rows);
        for (int b = Blocks - 1; b >= 0; b--)
        {
            Tensor branchInput = _branchInputs[b]!;
            Tensor branchHidden = _branchHidden[b]!;
            Linear second = _blockLayers[(2 * b) + 1];
            second.Backward(branchHidden.Data, streamGradient.Data, hiddenGradient.Data, rows);
            ActivationFunctions.MultiplyByDerivative(_activation, branchHidden.Data, hiddenGradient.Data);
            _blockLayers[2 * b].Backward(branchInput.Data, hiddenGradient.Data, branchGradient.Data, rows);
            ActivationFunctions.MultiplyByDerivative(_activation, branchInput.Data, branchGradient.Data);
            TensorPrimitives.Add(streamGradient.Data, branchGradient.Data, streamGradient.Data);
        }

        Tensor inputGradient = Tensor.Ensure(ref _inputGradient, rows, InputFeatures);
        _inputLayer.Backward(input.Data, streamGradient.Data, inputGradient.Data, rows);

        return inputGradient;
    }

    /// <summary>Writes the branch of block b, a(a(h) W₁ + b₁) W₂ + b₂, keeping a(h) and the hidden
    /// activation for the backward pass.</summary>
    private void RunBlock(
        int b, Tensor stream, Tensor branchInput, Tensor branchHidden, Tensor branchOutput, int rows)
    {
        stream.Data.CopyTo(branchInput.Data, 0);
        ActivationFunctions.Apply(_activation, branchInput.Data);
        _blockLayers[2 * b].Forward(branchInput.Data, branchHidden.Data, rows);
        ActivationFunctions.Apply(_activation, branchHidden.Data);
        _blockLayers[(2 * b) + 1].Forward(branchHidden.Data, branchOutput.Data, rows);
    }
}
