namespace CouplingFlows.Diagnostics;

/// <summary>
/// A double-precision twin of one transform: the same map, evaluated in double from the same
/// float32 parameters, with its own analytic log-determinant, and differentiable in forward mode.
/// </summary>
/// <remarks>
/// <para>The product's transforms compute in float32, so central differences of their outputs are
/// only good to about 1e-4. A twin evaluates y = f(x) in double on <see cref="Dual"/> numbers, so its
/// Jacobian comes out exact up to double rounding (<see cref="ReferenceJacobian"/>), and its LU
/// log-determinant can judge the analytic log-determinant to 1e-6 or better.</para>
/// <para>A twin reads the parameters when it is created; later changes to the transform are not
/// seen. It holds no mutable state and is safe to call from several threads at once.</para>
/// </remarks>
public interface IReferenceLayer
{
    /// <summary>D, the number of values in one row.</summary>
    int Features { get; }

    /// <summary>C, the width of the context (0 for none).</summary>
    int ContextFeatures { get; }

    /// <summary>y = f(x) for one row on dual numbers, and log|det ∂f/∂x| from the layer's own formula.</summary>
    /// <param name="x">The input row, length D, each value with its derivative along one direction.</param>
    /// <param name="context">The context row, length C (empty when C = 0); constants.</param>
    /// <param name="y">Receives f(x) and its directional derivative, length D; must not overlap x.</param>
    /// <returns>The analytic log|det ∂f/∂x| at x, in nats, and its directional derivative.</returns>
    Dual Forward(ReadOnlySpan<Dual> x, ReadOnlySpan<double> context, Span<Dual> y);

    /// <summary>y = f(x) for one row in double, and the analytic log|det ∂f/∂x|.</summary>
    /// <param name="x">The input row, length D.</param>
    /// <param name="context">The context row, length C (empty when C = 0).</param>
    /// <param name="y">Receives f(x), length D.</param>
    /// <returns>The analytic log|det ∂f/∂x| at x, in nats.</returns>
    double Forward(ReadOnlySpan<double> x, ReadOnlySpan<double> context, Span<double> y)
    {
        var output = new Dual[y.Length];
        double logAbsDet = Forward(Dual.Constants(x), context, output).Value;
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = output[i].Value;
        }

        return logAbsDet;
    }
}
