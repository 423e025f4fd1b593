namespace CouplingFlows.Diagnostics;

/// <summary>
/// The full Jacobian of a double-precision reference layer at one row, by forward-mode
/// differentiation: one pass on <see cref="Dual"/> numbers per input feature.
/// </summary>
/// <remarks>
/// <para>Pass j seeds xⱼ with derivative 1 and every other input with 0; the derivative parts of the
/// outputs are then column j, J_ij = ∂yᵢ/∂xⱼ, exact up to double rounding. Unlike central
/// differences there is no step: no truncation error, no cancellation, and a kink of a
/// piecewise-smooth map (a ReLU, a spline knot) near x cannot bias the result, which matters
/// because a trained stack's Jacobian can be ill-conditioned enough (condition numbers of 10⁴ seen
/// on two moons) to turn 1e-9 errors of central differences in its entries into 1e-4 in
/// log|det J|.</para>
/// <para>The Jacobian is computed from the map alone, never from the layer's log-det formula, so
/// log|det J| by LU (<see cref="LuDecomposition"/>) is an independent check of that formula. Cost:
/// D forward passes (each about twice a plain double pass) and O(D³) for the LU.</para>
/// </remarks>
public static class ReferenceJacobian
{
    /// <summary>Computes J at a point.</summary>
    /// <param name="layer">f, with D features.</param>
    /// <param name="point">x, length D.</param>
    /// <param name="context">The context row, length C (empty when C = 0).</param>
    /// <returns>J as a D × D array, J[i, j] = ∂yᵢ/∂xⱼ.</returns>
    /// <exception cref="ArgumentException">The point does not have D values.</exception>
    public static double[,] Compute(
        IReferenceLayer layer, ReadOnlySpan<double> point, ReadOnlySpan<double> context = default)
    {
        ArgumentNullException.ThrowIfNull(layer);
        int d = layer.Features;
        if (point.Length != d)
        {
            throw new ArgumentException(
                $"point has {point.Length} values but the layer has {d} features.", nameof(point));
        }

        var jacobian = new double[d, d];
        Dual[] input = Dual.Constants(point);
        var output = new Dual[d];
        for (int j = 0; j < d; j++)
        {
            input[j] = new Dual(point[j], 1);
            layer.Forward(input, context, output);
            input[j] = point[j];
            for (int i = 0; i < d; i++)
            {
                jacobian[i, j] = output[i].Derivative;
            }
        }

        return jacobian;
    }
}
