using CouplingFlows.Transforms;

namespace CouplingFlows.Diagnostics;

/// <summary>Settings of a <see cref="JacobianAudit"/>.</summary>
public sealed record JacobianAuditOptions
{
    /// <summary>
    /// The default tolerance T = 1e-4 on scaled errors |Δ| / max(1, |reference|).
    /// </summary>
    /// <remarks>The product computes in float32 (ε = 6e-8): a layer's log-det is a float32 sum of D
    /// terms and its outputs pass through a float32 conditioner, which leaves scaled errors of 1e-7 to
    /// 1e-5 on trained models (measured on digits and moons). 1e-4 keeps an order of magnitude above
    /// that, while a wrong formula (a dropped term, a sign) shows up at 1e-2 or far more.</remarks>
    public const double DefaultTolerance = 1e-4;

    /// <summary>T: a measure passes when every error is at most T·max(1, |reference value|).</summary>
    public double Tolerance { get; init; } = DefaultTolerance;

    /// <summary>h of the double-precision central differences (<see cref="ReferenceJacobian"/>).</summary>
    public double RelativeStep { get; init; } = ReferenceJacobian.DefaultRelativeStep;

    /// <summary>Builds references for layer types <see cref="ReferenceBuilder"/> does not know, or null.</summary>
    public Func<ITransform, IReferenceLayer?>? Extension { get; init; }

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The tolerance or the step is not positive.</exception>
    public void Validate()
    {
        if (!(Tolerance > 0) || !double.IsFinite(Tolerance))
        {
            throw new ArgumentOutOfRangeException(
                nameof(Tolerance), Tolerance, "The tolerance must be positive and finite.");
        }

        if (!(RelativeStep > 0) || !double.IsFinite(RelativeStep))
        {
            throw new ArgumentOutOfRangeException(
                nameof(RelativeStep), RelativeStep, "The finite-difference step must be positive and finite.");
        }
    }
}
