using CouplingFlows.Numerics;

namespace CouplingFlows.Transforms;

/// <summary>The output of a transform and, per row, the natural log of |det J|.</summary>
/// <param name="Output">The mapped batch, same shape as the input.</param>
/// <param name="LogAbsDet">One value per row: log|det ∂output/∂input| at that row.</param>
public readonly record struct TransformResult(Tensor Output, float[] LogAbsDet);
