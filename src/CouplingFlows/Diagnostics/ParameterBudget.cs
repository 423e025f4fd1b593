using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Diagnostics;

/// <summary>Solves the hidden width that spends a parameter budget on a given number of layers and depth.</summary>
/// <remarks>
/// <para>For an MLP conditioner with L hidden layers of width h the count of one coupling is
/// a·h + (L − 1)(h² + h) + h + h·P + P with a inputs and P outputs, increasing in h, so the width
/// closest to the budget is found by bisection. The count is read from the flow the builder actually
/// makes (<see cref="Flow.TrainableParameterCount"/>), so every flow kind and preprocessing is counted
/// as trained.</para>
/// </remarks>
public static class ParameterBudget
{
    /// <summary>The budget tolerance of the study: counts within 5 % of the budget.</summary>
    public const double DefaultTolerance = 0.05;

    /// <summary>The width whose parameter count is closest to the budget.</summary>
    /// <param name="template">The flow spec; Layers, HiddenLayers and HiddenFeatures are replaced.</param>
    /// <param name="layers">The number of couplings, at least 1.</param>
    /// <param name="hiddenLayers">Hidden layers per conditioner, at least 1 (without one, the width is moot).</param>
    /// <param name="budget">The target number of trainable parameters, at least 1.</param>
    /// <returns>The shape; check <see cref="BudgetShape.Meets"/>: a budget below the narrowest flow
    /// cannot be met.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1.</exception>
    public static BudgetShape Solve(FlowSpec template, int layers, int hiddenLayers, long budget)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentOutOfRangeException.ThrowIfLessThan(layers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenLayers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(budget, 1);
        FlowSpec shaped = template with { Layers = layers, HiddenLayers = hiddenLayers };
        long Count(int width) =>
            FlowBuilder.Build(shaped with { HiddenFeatures = width }, new RandomSource(0)).TrainableParameterCount;

        int high = 1;
        while (Count(high) < budget && high < (1 << 24))
        {
            high *= 2;
        }

        int low = Math.Max(1, high / 2);
        while (low < high)
        {
            int middle = low + ((high - low) / 2);
            if (Count(middle) < budget)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        int width = low;
        long count = Count(width);
        if (width > 1)
        {
            long below = Count(width - 1);
            if (Math.Abs(below - budget) <= Math.Abs(count - budget))
            {
                (width, count) = (width - 1, below);
            }
        }

        return new BudgetShape(layers, hiddenLayers, width, count, budget);
    }
}
