using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of <see cref="ActNorm"/>: y[c, i, j] = (x[c, i, j] − μ_c)·exp(s_c),
/// log|det J| = H·W·Σ_c s_c.</summary>
internal sealed class ReferenceActNorm(ActNorm layer) : IReferenceLayer
{
    private readonly double[] _shift = [.. layer.Shift.ToArray().Select(v => (double)v)];
    private readonly double[] _logScale = [.. layer.LogScale.ToArray().Select(v => (double)v)];
    private readonly int _pixels = layer.Shape.Pixels;

    public int Features => _shift.Length * _pixels;

    public int ContextFeatures => 0;

    public Dual Forward(ReadOnlySpan<Dual> x, ReadOnlySpan<double> context, Span<Dual> y)
    {
        double sum = 0;
        for (int c = 0; c < _shift.Length; c++)
        {
            double scale = Math.Exp(_logScale[c]);
            for (int k = c * _pixels; k < (c + 1) * _pixels; k++)
            {
                y[k] = (x[k] - _shift[c]) * scale;
            }

            sum += _pixels * _logScale[c];
        }

        return sum;
    }
}
