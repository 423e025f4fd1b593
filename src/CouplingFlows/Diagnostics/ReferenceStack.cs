namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of a <see cref="Transforms.CompositeTransform"/>: layers in order, log-dets
/// summed.</summary>
internal sealed class ReferenceStack(IReadOnlyList<IReferenceLayer> layers) : IReferenceLayer
{
    public int Features => layers[0].Features;

    public int ContextFeatures => layers.Max(layer => layer.ContextFeatures);

    public double Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> context, Span<double> y)
    {
        double[] current = x.ToArray();
        double[] next = new double[current.Length];
        double sum = 0;
        foreach (IReferenceLayer layer in layers)
        {
            sum += layer.Forward(current, context[..layer.ContextFeatures], next);
            (current, next) = (next, current);
        }

        current.CopyTo(y);
        return sum;
    }
}
