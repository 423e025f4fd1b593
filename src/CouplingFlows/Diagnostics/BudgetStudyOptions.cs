using CouplingFlows.Training;

namespace CouplingFlows.Diagnostics;

/// <summary>Settings of the <see cref="BudgetStudy"/>.</summary>
public sealed record BudgetStudyOptions
{
    /// <summary>The trainable parameters every cell spends.</summary>
    public long Budget { get; init; } = 100_000;

    /// <summary>The numbers of couplings (the grid's rows).</summary>
    public IReadOnlyList<int> LayerCounts { get; init; } = [2, 4, 8];

    /// <summary>The conditioner depths (the grid's columns), each at least 1.</summary>
    public IReadOnlyList<int> HiddenLayerCounts { get; init; } = [1, 2, 3];

    /// <summary>How far a cell's count may stray from the budget, as a fraction.</summary>
    public double Tolerance { get; init; } = ParameterBudget.DefaultTolerance;

    /// <summary>The training run every cell gets: same steps, batch, learning rate and seed.</summary>
    public TrainerOptions Trainer { get; init; } = new() { Steps = 400 };

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Budget, 1, nameof(Budget));
        if (LayerCounts is null || LayerCounts.Count == 0 || LayerCounts.Any(v => v < 1))
        {
            throw new ArgumentException("layers must list at least one count, each at least 1.", nameof(LayerCounts));
        }

        if (HiddenLayerCounts is null || HiddenLayerCounts.Count == 0 || HiddenLayerCounts.Any(v => v < 1))
        {
            throw new ArgumentException(
                "depths must list at least one conditioner depth, each at least 1 (a conditioner without a hidden "
                + "layer has no width to solve).",
                nameof(HiddenLayerCounts));
        }

        if (!(Tolerance > 0) || !double.IsFinite(Tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "The tolerance must be positive.");
        }

        ArgumentNullException.ThrowIfNull(Trainer, nameof(Trainer));
        Trainer.Validate();
    }
}
