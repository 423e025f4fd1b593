using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of <see cref="MultiScaleTransform"/>: each stage's twin on the leading n_s
/// values, the rest passed through; log-dets summed.</summary>
internal sealed class ReferenceMultiScale(IReadOnlyList<IReferenceLayer> stages) : IReferenceLayer
{
    public int Features => stages[0].Features;

    public int ContextFeatures => stages.Max(stage => stage.ContextFeatures);

    public Dual Forward(ReadOnlySpan<Dual> x, ReadOnlySpan<double> context, Span<Dual> y)
    {
        Dual[] current = x.ToArray();
        Dual sum = 0;
        foreach (IReferenceLayer stage in stages)
        {
            var block = new Dual[stage.Features];
            sum += stage.Forward(current.AsSpan(0, stage.Features), context[..stage.ContextFeatures], block);
            block.CopyTo(current, 0);
        }

        current.CopyTo(y);
        return sum;
    }
}
