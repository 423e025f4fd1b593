using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of <see cref="Squeeze"/>, from its defining equation
/// y[4c + 2u + v, i, j] = x[c, 2i + u, 2j + v]; log|det J| = 0.</summary>
internal sealed class ReferenceSqueeze(Squeeze layer) : IReferenceLayer
{
    private readonly ImageShape _shape = layer.InputShape;

    public int Features => _shape.Length;

    public int ContextFeatures => 0;

    public Dual Forward(ReadOnlySpan<Dual> x, ReadOnlySpan<double> context, Span<Dual> y)
    {
        (int h, int w) = (_shape.Height / 2, _shape.Width / 2);
        for (int c = 0; c < _shape.Channels; c++)
        {
            for (int u = 0; u < 2; u++)
            {
                for (int v = 0; v < 2; v++)
                {
                    for (int i = 0; i < h; i++)
                    {
                        for (int j = 0; j < w; j++)
                        {
                            int target = (((((4 * c) + (2 * u) + v) * h) + i) * w) + j;
                            y[target] = x[(c * _shape.Pixels) + (((2 * i) + u) * _shape.Width) + (2 * j) + v];
                        }
                    }
                }
            }
        }

        return 0;
    }
}
