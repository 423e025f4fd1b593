namespace CouplingFlows.Diagnostics;

/// <summary>
/// A double-precision twin of one transform: the same map, evaluated in double from the same
/// float32 parameters, with its own analytic log-determinant.
/// </summary>
/// <remarks>
/// <para>The product's transforms compute in float32, so central differences of their outputs are
/// only good to about 1e-4. A reference evaluates y = f(x) in double (rounding near 1e-16), so that
/// a central-difference Jacobian of it is good to about 1e-9 and its determinant can judge the
/// analytic log-determinant to 1e-6 or better; see <see cref="ReferenceJacobian"/>.</para>
/// <para>A reference reads the parameters when it is created; later changes to the transform are
/// not seen. It holds no mutable state and is safe to call from several threads at once.</para>
/// </remarks>
public interface IReferenceLayer
{
    /// <summary>D, the number of values in one row.</summary>
    int Features { get; }

    /// <summary>C, the width of the context (0 for none).</summary>
    int ContextFeatures { get; }

    /// <summary>y = f(x) for one row, in double, and log|det ∂f/∂x| from the layer's own formula.</summary>
    /// <param name="x">The input row, length D.</param>
    /// <param name="context">The context row, length C (empty when C = 0).</param>
    /// <param name="y">Receives f(x), length D; must not overlap <paramref name="x"/>.</param>
    /// <returns>The analytic log|det ∂f/∂x| at x, in nats.</returns>
    double Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> context, Span<double> y);
}
