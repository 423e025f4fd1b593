namespace CouplingFlows.Diagnostics;

/// <summary>A flow shape solved to spend a parameter budget: layers, conditioner depth and the width found.</summary>
/// <param name="Layers">The number of couplings.</param>
/// <param name="HiddenLayers">Hidden layers per conditioner.</param>
/// <param name="HiddenFeatures">The hidden width that brings the count closest to the budget.</param>
/// <param name="Parameters">The trainable parameters of the flow so built.</param>
/// <param name="Budget">The target.</param>
public sealed record BudgetShape(int Layers, int HiddenLayers, int HiddenFeatures, long Parameters, long Budget)
{
    /// <summary>(Parameters − Budget) / Budget.</summary>
    public double Deviation => (Parameters - Budget) / (double)Budget;

    /// <summary>Whether |Deviation| is at most the tolerance.</summary>
    /// <param name="tolerance">A fraction, 0.05 for 5 %.</param>
    /// <returns>True when the shape meets the budget.</returns>
    public bool Meets(double tolerance) => Math.Abs(Deviation) <= tolerance;
}
