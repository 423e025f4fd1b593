using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>The Jacobian of a transform at one row by central finite differences.</summary>
/// <remarks>
/// <para>J_ij ≈ (f_i(x + h e_j) − f_i(x − h e_j)) / 2h, all perturbations evaluated in one batch of
/// 2D rows. The differences are taken in double from the float32 outputs, so the truncation error
/// O(h²) and the rounding error O(ε_f32 |f| / h) bound the accuracy: h ≈ 1e-2 balances them for
/// inputs of unit scale (about 1e-4 relative).</para>
/// </remarks>
public static class NumericalJacobian
{
    /// <summary>Computes J at a point.</summary>
    /// <param name="transform">f, with D features.</param>
    /// <param name="point">x, length D.</param>
    /// <param name="step">h &gt; 0.</param>
    /// <param name="context">Context for the row (length C), or null.</param>
    /// <param name="inverse">True to differentiate f⁻¹ instead of f.</param>
    /// <returns>J as a D × D array, J[i, j] = ∂yᵢ/∂xⱼ.</returns>
    public static double[,] Compute(
        ITransform transform, ReadOnlySpan<float> point, double step, float[]? context = null, bool inverse = false)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        int d = transform.Features;
        if (point.Length != d)
        {
            throw new ArgumentException($"point has {point.Length} values but the transform has {d} features.",
                nameof(point));
        }

        var batch = new Tensor(2 * d, d);
        for (int j = 0; j < d; j++)
        {
            point.CopyTo(batch.Row(2 * j));
            point.CopyTo(batch.Row((2 * j) + 1));
            batch[2 * j, j] = (float)(point[j] + step);
            batch[(2 * j) + 1, j] = (float)(point[j] - step);
        }

        Tensor? contextBatch = null;
        if (context is not null)
        {
            contextBatch = new Tensor(2 * d, context.Length);
            for (int r = 0; r < 2 * d; r++)
            {
                context.CopyTo(contextBatch.Row(r));
            }
        }

        Tensor output = inverse
            ? transform.Inverse(batch, contextBatch).Output
            : transform.Forward(batch, contextBatch).Output;
        var jacobian = new double[d, d];
        for (int j = 0; j < d; j++)
        {
            double width = (double)batch[2 * j, j] - batch[(2 * j) + 1, j];
            for (int i = 0; i < d; i++)
            {
                jacobian[i, j] = ((double)output[2 * j, i] - output[(2 * j) + 1, i]) / width;
            }
        }

        return jacobian;
    }
}
