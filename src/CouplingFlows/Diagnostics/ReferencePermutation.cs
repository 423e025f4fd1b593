using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>The double twin of <see cref="Permutation"/>: y_j = x_{π(j)}, log|det J| = 0.</summary>
internal sealed class ReferencePermutation(Permutation layer) : IReferenceLayer
{
    private readonly int[] _order = [.. layer.Order];

    public int Features => _order.Length;

    public int ContextFeatures => 0;

    public Dual Forward(ReadOnlySpan<Dual> x, ReadOnlySpan<double> context, Span<Dual> y)
    {
        for (int j = 0; j < _order.Length; j++)
        {
            y[j] = x[_order[j]];
        }

        return 0;
    }
}
