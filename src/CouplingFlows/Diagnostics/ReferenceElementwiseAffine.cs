using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of <see cref="ElementwiseAffine"/>: y = (x − μ)·exp(s), log|det J| = Σⱼ sⱼ.</summary>
internal sealed class ReferenceElementwiseAffine : IReferenceLayer
{
    private readonly double[] _shift;
    private readonly double[] _logScale;

    public ReferenceElementwiseAffine(ElementwiseAffine layer)
    {
        _shift = [.. layer.Shift.ToArray().Select(v => (double)v)];
        _logScale = [.. layer.LogScale.ToArray().Select(v => (double)v)];
        Features = layer.Features;
    }

    public int Features { get; }

    public int ContextFeatures => 0;

    public Dual Forward(ReadOnlySpan<Dual> x, ReadOnlySpan<double> context, Span<Dual> y)
    {
        double sum = 0;
        for (int j = 0; j < Features; j++)
        {
            y[j] = (x[j] - _shift[j]) * Math.Exp(_logScale[j]);
            sum += _logScale[j];
        }

        return sum;
    }
}
