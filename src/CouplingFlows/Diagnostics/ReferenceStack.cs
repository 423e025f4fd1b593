namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of a <see cref="Transforms.CompositeTransform"/>: layers in order, log-dets
/// summed.</summary>
internal sealed class ReferenceStack(IReadOnlyList<IReferenceLayer> layers) : IReferenceLayer
{
    public int Features => layers[0].Features;

    public int ContextFeatures => layers.Max(layer => layer.ContextFeatures);

    public Dual Forward(ReadOnlySpan<Dual> x, ReadOnlySpan<double> context, Span<Dual> y)
    {
        Dual[] current = x.ToArray();
        var next = new Dual[current.Length];
        Dual sum = 0;
        foreach (IReferenceLayer layer in layers)
        {
            sum += layer.Forward(current, context[..layer.ContextFeatures], next);
            (current, next) = (next, current);
        }

        current.CopyTo(y);
        return sum;
    }
}
