using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of <see cref="Logit"/>: p = α + (1 − 2α)v, y = ln p − ln(1 − p).</summary>
/// <remarks>log|det J| = Σⱼ [ln(1 − 2α) − ln pⱼ − ln(1 − pⱼ)]. Unlike the float32 layer it does not
/// reject v slightly outside [0, 1]: the formula holds for every p in (0, 1), and the twin is only a
/// measuring instrument; the float32 layer guards the domain.</remarks>
internal sealed class ReferenceLogit(Logit layer) : IReferenceLayer
{
    private readonly double _alpha = layer.Alpha;

    public int Features { get; } = layer.Features;

    public int ContextFeatures => 0;

    public Dual Forward(ReadOnlySpan<Dual> x, ReadOnlySpan<double> context, Span<Dual> y)
    {
        double width = 1 - (2 * _alpha);
        double logWidth = Math.Log(width);
        Dual sum = 0;
        for (int j = 0; j < Features; j++)
        {
            Dual p = _alpha + (width * x[j]);
            Dual logP = Dual.Log(p);
            Dual logQ = Dual.Log(1 - p);
            y[j] = logP - logQ;
            sum += logWidth - logP - logQ;
        }

        return sum;
    }
}
