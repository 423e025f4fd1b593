namespace CouplingFlows.Transforms.Splines;

/// <summary>A spline's output at one point and the natural log of its slope there.</summary>
/// <param name="Output">y = g(x) for the forward map, x = g⁻¹(y) for the inverse.</param>
/// <param name="LogAbsDet">ln(dy/dx) for the forward map, ln(dx/dy) = −ln(dy/dx) for the inverse;
/// 0 in the identity tails.</param>
public readonly record struct SplineValue(float Output, float LogAbsDet);
