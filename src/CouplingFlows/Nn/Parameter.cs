using CouplingFlows.Numerics;

namespace CouplingFlows.Nn;

/// <summary>
/// A learnable tensor and the gradient of the loss with respect to it.
/// </summary>
/// <remarks>
/// Backward passes add into <see cref="Gradient"/>; the optimiser reads it and
/// <see cref="ZeroGradient"/> clears it before the next step. A parameter with
/// <see cref="Trainable"/> false (a standardisation shift, say) is saved with the model but never
/// updated.
/// </remarks>
public sealed class Parameter
{
    /// <summary>Creates a parameter holding the given value.</summary>
    /// <param name="name">A name unique within its model, for files and messages.</param>
    /// <param name="value">The initial value; the parameter takes ownership.</param>
    /// <param name="trainable">False for saved state that the optimiser must not change.</param>
    public Parameter(string name, Tensor value, bool trainable = true)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        Value = value;
        Trainable = trainable;
        Gradient = new Tensor([.. value.Shape]);
    }

    /// <summary>The name, unique within its model.</summary>
    public string Name { get; }

    /// <summary>The current value.</summary>
    public Tensor Value { get; private set; }

    /// <summary>dL/dθ accumulated by backward passes, of the same shape as the value.</summary>
    public Tensor Gradient { get; }

    /// <summary>Whether the optimiser updates this parameter.</summary>
    public bool Trainable { get; }

    /// <summary>Sets the gradient to zero.</summary>
    public void ZeroGradient() => Array.Clear(Gradient.Data);

    /// <summary>
    /// Makes this parameter read and write <paramref name="source"/>'s value tensor (the same memory),
    /// keeping its own gradient: how a training replica follows the optimiser's updates for free.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    internal void ShareValueOf(Parameter source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!Value.HasShape([.. source.Value.Shape]))
        {
            throw new ArgumentException(
                $"{Name} has shape {Value.ShapeText()} but {source.Name} has {source.Value.ShapeText()}.",
                nameof(source));
        }

        Value = source.Value;
    }
}
