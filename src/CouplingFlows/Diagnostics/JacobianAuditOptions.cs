using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>Settings of a <see cref="JacobianAudit"/>.</summary>
public sealed record JacobianAuditOptions
{
    /// <summary>
    /// The default tolerance T = 1e-3 on scaled errors |Δ| / max(1, |reference|).
    /// </summary>
    /// <remarks>
    /// <para>The product computes in float32 (ε ≈ 6e-8). Single layers of trained models stay below
    /// 4e-6 scaled; whole stacks reach 2e-5 to 3e-5 (measured on RealNVP and NICE, 8 couplings of width
    /// 256, trained 1500 steps on digits and two moons), because float32 rounding in early layers is
    /// amplified by the later layers' Jacobians, whose condition numbers reach 10⁴. T = 1e-3 keeps a
    /// margin of 30 over that, so a pipeline guard does not trip on rounding, while a wrong formula
    /// (a dropped log-scale, a sign, a missing preprocessing term) shows per layer at 1e-2 or more.</para>
    /// <para>The double twin's own analytic log-det agrees with its exact Jacobian to about 1e-13, so
    /// that measure never uses the margin.</para>
    /// </remarks>
    public const double DefaultTolerance = 1e-3;

    /// <summary>T: a measure passes when every error is at most T·max(1, |reference value|).</summary>
    public double Tolerance { get; init; } = DefaultTolerance;

    /// <summary>Builds references for layer types <see cref="ReferenceBuilder"/> does not know, or null.</summary>
    public Func<ITransform, IReferenceLayer?>? Extension { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The tolerance is not positive and finite.</exception>
    public void Validate()
    {
        if (!(Tolerance > 0) || !double.IsFinite(Tolerance))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Tolerance), Tolerance, "The tolerance must be positive and finite.");
        }
    }
}
