using System.Buffers;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Nn;

/// <summary>
/// A multilayer perceptron conditioner: in → [hidden → a(·)] × depth → out.
/// </summary>
/// <remarks>
/// <para>h₀ = x, hₗ = a(hₗ₋₁ Wₗ + bₗ) for l = 1..L, θ = h_L W_out + b_out.</para>
/// <para>With Glorot initialisation the output θ is small for inputs of unit scale, so a fresh
/// affine coupling is close to the identity.</para>
/// </remarks>
public sealed class Mlp : IConditioner, ITrainingCache
{
    private readonly Linear[] _layers;
    private readonly Parameter[] _parameters;
    private readonly Activation _activation;
    private Tensor? _trainingInput;
    private readonly Tensor?[] _activations;
    private readonly Tensor?[] _gradients;
    private Tensor? _inputGradient;

    /// <summary>Creates an MLP.</summary>
    /// <param name="name">Prefix of the parameter names.</param>
    /// <param name="inputFeatures">Input width, at least 1.</param>
    /// <param name="outputFeatures">Output width, at least 1.</param>
    /// <param name="options">Hidden width, depth, activation and initialisation.</param>
    /// <param name="random">The random source for the weights.</param>
    /// <exception cref="ArgumentOutOfRangeException">A width is below 1 or the depth is negative.</exception>
    public Mlp(string name, int inputFeatures, int outputFeatures, MlpOptions options, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputFeatures, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.HiddenLayers, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.HiddenFeatures, 1, nameof(options));
        InputFeatures = inputFeatures;
        OutputFeatures = outputFeatures;
        _activation = options.Activation;
        int depth = options.HiddenLayers;
        _layers = new Linear[depth + 1];
        int width = inputFeatures;
        for (int l = 0; l < depth; l++)
        {
            _layers[l] = new Linear($"{name}.hidden{l}", width, options.HiddenFeatures, options.Init, random);
            width = options.HiddenFeatures;
        }

        WeightInit lastInit = options.ZeroLastLayer ? WeightInit.Zeros : options.Init;
        _layers[depth] = new Linear($"{name}.output", width, outputFeatures, lastInit, random);
        _parameters = [.. _layers.SelectMany(layer => new[] { layer.Weight, layer.Bias })];
        _activations = new Tensor?[depth + 1];
        _gradients = new Tensor?[depth + 1];
    }

    /// <inheritdoc/>
    public int InputFeatures { get; }

    /// <inheritdoc/>
    public int OutputFeatures { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The linear layers, input first.</summary>
    public IReadOnlyList<Linear> Layers => _layers;

    /// <summary>The non-linearity applied after every linear layer but the last.</summary>
    public Activation Activation => _activation;

    /// <inheritdoc/>
    public void ReleaseTrainingCache()
    {
        _trainingInput = null;
        _inputGradient = null;
        Array.Clear(_activations);
        Array.Clear(_gradients);
    }

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var output = new Tensor(input.Rows, OutputFeatures);
        Forward(input, output.Data);

        return output;
    }

    /// <inheritdoc/>
    public void Forward(Tensor input, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(input);
        int rows = input.Rows;
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, rows * OutputFeatures, nameof(destination));
        int last = _layers.Length - 1;
        float[]? rented = null;
        ReadOnlySpan<float> current = input.Data;
        for (int l = 0; l < last; l++)
        {
            // Hidden activations live only until the next layer has read them, so they come from a pool.
            int length = rows * _layers[l].OutputFeatures;
            float[] next = ArrayPool<float>.Shared.Rent(length);
            Span<float> hidden = next.AsSpan(0, length);
            _layers[l].Forward(current, hidden, rows);
            ActivationFunctions.Apply(_activation, hidden);
            if (rented is not null)
            {
                ArrayPool<float>.Shared.Return(rented);
            }

            rented = next;
            current = hidden;
        }

        _layers[last].Forward(current, destination[..(rows * OutputFeatures)], rows);
        if (rented is not null)
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <inheritdoc/>
    public Tensor ForwardTraining(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int rows = input.Rows;
        _trainingInput = input;
        Tensor current = input;
        for (int l = 0; l < _layers.Length; l++)
        {
            Tensor next = Tensor.Ensure(ref _activations[l], rows, _layers[l].OutputFeatures);
            _layers[l].Forward(current.Data, next.Data, rows);
            if (l < _layers.Length - 1)
            {
                ActivationFunctions.Apply(_activation, next.Data);
            }

            current = next;
        }

        return current;
    }

    /// <inheritdoc/>
    public Tensor Backward(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        Tensor input = _trainingInput
            ?? throw new InvalidOperationException("Backward was called before ForwardTraining.");
        int rows = input.Rows;
        Tensor gradient = outputGradient;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            Tensor layerInput = l == 0 ? input : _activations[l - 1]!;
            Tensor previous = l == 0
                ? Tensor.Ensure(ref _inputGradient, rows, InputFeatures)
                : Tensor.Ensure(ref _gradients[l - 1], rows, _layers[l].InputFeatures);
            _layers[l].Backward(layerInput.Data, gradient.Data, previous.Data, rows);
            if (l > 0)
            {
                ActivationFunctions.MultiplyByDerivative(_activation, layerInput.Data, previous.Data);
            }

            gradient = previous;
        }

        return gradient;
    }
}
