using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Training;

namespace CouplingFlows.Diagnostics;

/// <summary>
/// Spends one parameter budget on many shallow couplings or few deep ones and compares test NLL.
/// </summary>
/// <remarks>
/// <para>For each number of couplings K and conditioner depth L the hidden width is solved so that the
/// flow holds the budget's parameters within the tolerance (<see cref="ParameterBudget"/>); each cell is
/// built and trained from the same seed with the same <see cref="TrainerOptions"/>, and scored on the
/// same test rows (dequantised once, with a fixed seed, when the trainer dequantises).</para>
/// </remarks>
public static class BudgetStudy
{
    /// <summary>Runs the grid.</summary>
    /// <param name="template">The flow spec (kind, features, preprocessing); its shape is replaced per cell.</param>
    /// <param name="train">(N, D) training rows.</param>
    /// <param name="validation">(M, D) validation rows for model selection, or null.</param>
    /// <param name="test">(T, D) test rows.</param>
    /// <param name="options">The grid, budget and training settings.</param>
    /// <param name="prepare">Called on each fresh flow before training (to fit a standardisation), or null.</param>
    /// <param name="progress">Receives each finished cell, or null.</param>
    /// <param name="cancellationToken">Stops the study between and within trainings.</param>
    /// <returns>The cells, row by row (layer counts) and column by column (depths).</returns>
    /// <exception cref="ArgumentException">A setting is invalid or the data do not fit.</exception>
    /// <exception cref="OperationCanceledException">The study was cancelled.</exception>
    public static IReadOnlyList<BudgetStudyCell> Run(
        FlowSpec template,
        Tensor train,
        Tensor? validation,
        Tensor test,
        BudgetStudyOptions options,
        Action<Flow>? prepare = null,
        IProgress<BudgetStudyCell>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Tensor scored = options.Trainer.Dequantize
            ? Evaluation.Dequantize(test, new RandomSource(options.Trainer.Seed + 202))
            : test;
        var cells = new List<BudgetStudyCell>();
        foreach (int layers in options.LayerCounts)
        {
            foreach (int depth in options.HiddenLayerCounts)
            {
                cancellationToken.ThrowIfCancellationRequested();
                BudgetShape shape = ParameterBudget.Solve(template, layers, depth, options.Budget);
                BudgetStudyCell cell = shape.Meets(options.Tolerance)
                    ? TrainCell(template, shape, train, validation, scored, options.Trainer, prepare, cancellationToken)
                    : new BudgetStudyCell(shape, false, double.NaN, null, TimeSpan.Zero);
                cells.Add(cell);
                progress?.Report(cell);
            }
        }

        return cells;
    }

    private static BudgetStudyCell TrainCell(
        FlowSpec template,
        BudgetShape shape,
        Tensor train,
        Tensor? validation,
        Tensor test,
        TrainerOptions trainer,
        Action<Flow>? prepare,
        CancellationToken cancellationToken)
    {
        FlowSpec spec = template with
        {
            Layers = shape.Layers,
            HiddenLayers = shape.HiddenLayers,
            HiddenFeatures = shape.HiddenFeatures,
        };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(trainer.Seed));
        prepare?.Invoke(flow);
        TrainingResult result = new Trainer().Fit(flow, train, validation, trainer, null, cancellationToken);
        if (result.StopReason == StopReason.Cancelled)
        {
            throw new OperationCanceledException(cancellationToken);
        }

        return new BudgetStudyCell(shape, true, Evaluation.MeanNll(flow, test), result.StopReason, result.Elapsed);
    }
}
