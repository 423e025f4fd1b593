using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>
/// A stack of transforms applied in order; its log-det is the sum of its layers'.
/// </summary>
/// <remarks>
/// <para>f = f_L ∘ … ∘ f₁, log|det J_f(x)| = Σₗ log|det J_{fₗ}(x_{l−1})| with x₀ = x.</para>
/// <para>The inverse runs the layers in reverse order.</para>
/// </remarks>
public sealed class CompositeTransform : ITransform
{
    private readonly ITransform[] _layers;
    private readonly Parameter[] _parameters;
    private float[]? _trainingLogAbsDet;
    private Tensor? _savedOutput;
    private Tensor? _savedContext;

    /// <summary>Creates a stack.</summary>
    /// <param name="layers">At least one transform; all must share the same feature count.</param>
    /// <exception cref="ArgumentException">The list is empty or the feature counts differ.</exception>
    public CompositeTransform(IEnumerable<ITransform> layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        _layers = [.. layers];
        if (_layers.Length == 0)
        {
            throw new ArgumentException("A stack needs at least one transform.", nameof(layers));
        }

        for (int l = 1; l < _layers.Length; l++)
        {
            if (_layers[l].Features != _layers[0].Features)
            {
                throw new ArgumentException(
                    $"Layer {l} has {_layers[l].Features} features but layer 0 has {_layers[0].Features}.",
                    nameof(layers));
            }
        }

        _parameters = [.. _layers.SelectMany(layer => layer.Parameters)];
    }

    /// <inheritdoc/>
    public int Features => _layers[0].Features;

    /// <summary>
    /// Whether training trades compute for memory: the training forward pass keeps no activations, and the
    /// backward pass rebuilds each layer's input from its output through the exact inverse, x = f⁻¹(y),
    /// re-runs that one layer's training forward pass and back-propagates through it, then drops its buffers.
    /// </summary>
    /// <remarks>Activation memory then stays that of one layer whatever the depth; each step costs about
    /// one more forward and one inverse pass. Gradients equal the cached mode's up to float32 rounding of the
    /// reconstructed inputs.</remarks>
    public bool MemorySaving { get; set; }

    /// <summary>The layers, in forward order.</summary>
    public IReadOnlyList<ITransform> Layers => _layers;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc/>
    public TransformResult Forward(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        float[] total = ScratchArrays.Rent(x.Rows, clear: true);
        Tensor current = x;
        foreach (ITransform layer in _layers)
        {
            TransformResult result = layer.Forward(current, context);
            TensorPrimitives.Add(total, result.LogAbsDet, total);
            RecycleDead(x, current, result);
            current = result.Output;
        }

        return new TransformResult(current, total);
    }

    /// <inheritdoc/>
    public TransformResult Inverse(Tensor y, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(y);
        float[] total = ScratchArrays.Rent(y.Rows, clear: true);
        Tensor current = y;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            TransformResult result = _layers[l].Inverse(current, context);
            TensorPrimitives.Add(total, result.LogAbsDet, total);
            RecycleDead(y, current, result);
            current = result.Output;
        }

        return new TransformResult(current, total);
    }

    /// <summary>
    /// Hands back, inside a block of parallel inference, what a layer's result has made dead: its
    /// log-det (already added to the total) and its input when that was an intermediate of this stack
    /// that the output does not share.
    /// </summary>
    private static void RecycleDead(Tensor stackInput, Tensor layerInput, TransformResult result)
    {
        if (!ScratchArrays.Active)
        {
            return;
        }

        ScratchArrays.Return(result.LogAbsDet);
        if (!ReferenceEquals(layerInput, stackInput)
            && !ReferenceEquals(layerInput.Data, stackInput.Data)
            && !ReferenceEquals(layerInput.Data, result.Output.Data))
        {
            ScratchArrays.Return(layerInput.Data);
        }
    }

    /// <inheritdoc/>
    public TransformResult ForwardTraining(Tensor x, Tensor? context = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        RowBuffer.Ensure(ref _trainingLogAbsDet, x.Rows);

        float[] total = _trainingLogAbsDet;
        Array.Clear(total);
        Tensor current = x;
        foreach (ITransform layer in _layers)
        {
            TransformResult result = MemorySaving
                ? layer.Forward(current, context)
                : layer.ForwardTraining(current, context);
            TensorPrimitives.Add(total, result.LogAbsDet, total);
            current = result.Output;
        }

        _savedOutput = MemorySaving ? current : null;
        _savedContext = context;

        return new TransformResult(current, total);
    }

    /// <inheritdoc/>
    public Tensor Backward(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient)
    {
        if (MemorySaving)
        {
            return BackwardRebuildingInputs(outputGradient, logAbsDetGradient);
        }

        Tensor gradient = outputGradient;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            gradient = _layers[l].Backward(gradient, logAbsDetGradient);
        }

        return gradient;
    }

    private Tensor BackwardRebuildingInputs(Tensor outputGradient, ReadOnlySpan<float> logAbsDetGradient)
    {
        Tensor output = _savedOutput ?? throw new InvalidOperationException(
            "Backward was called before ForwardTraining in memory-saving mode.");
        Tensor gradient = outputGradient;
        for (int l = _layers.Length - 1; l >= 0; l--)
        {
            ITransform layer = _layers[l];
            Tensor input = layer.Inverse(output, _savedContext).Output;
            layer.ForwardTraining(input, _savedContext);
            gradient = layer.Backward(gradient, logAbsDetGradient);
            (layer as ITrainingCache)?.ReleaseTrainingCache();
            output = input;
        }

        _savedOutput = null;

        return gradient;
    }
}
