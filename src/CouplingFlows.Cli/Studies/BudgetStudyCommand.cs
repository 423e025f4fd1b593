using System.CommandLine;
using CouplingFlows.Cli.Commands;
using CouplingFlows.Cli.Plots;
using CouplingFlows.Diagnostics;
using CouplingFlows.Flows;
using ScottPlot;

namespace CouplingFlows.Cli.Studies;

/// <summary>coupling-flows study budget: one parameter budget spent on many shallow or few deep couplings.</summary>
internal static class BudgetStudyCommand
{
    public const string Name = "budget";

    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data")
        {
            Description = "A bundled data set (digits, moons, ...) or a data file.",
            DefaultValueFactory = _ => "digits",
        };
        var budget = new Option<long>("--params")
        {
            Description = "The trainable parameters every cell spends.",
            DefaultValueFactory = _ => 100_000,
        };
        var layers = StudyCommand.List("--layers", "Numbers of couplings (the grid's rows).", "2,4,8");
        var depths = StudyCommand.List("--depths", "Hidden layers per conditioner (the grid's columns).", "1,2,3");
        var model = TrainCommand.Choice(
            "--model", "The flow: realnvp, nice or nsf (splines).", "realnvp", "realnvp", "nice", "nsf");
        var steps = TrainCommand.Int("--steps", "Optimiser steps for every cell.", 400);
        var batch = TrainCommand.Int("--batch", "Rows per mini-batch.", 256);
        var lr = new Option<float>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3f };
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "How far a cell's parameter count may stray from the budget (a fraction).",
            DefaultValueFactory = _ => ParameterBudget.DefaultTolerance,
        };
        var zeroInit = StudyCommand.ZeroInit();
        var seed = StudyCommand.Seed();
        var output = StudyCommand.Out(Name);
        var command = new Command(Name,
            "Spend a fixed parameter budget on a grid of (couplings x conditioner depth), solving the hidden width so "
            + "every flow holds the budget within the tolerance; train each with the same steps and seed and report "
            + "test NLL (bits/dim for discrete data) per cell.")
        {
            data, budget, layers, depths, model, steps, batch, lr, tolerance, zeroInit, seed, output,
        };
        command.SetAction(parse =>
        {
            long seedValue = parse.GetValue(seed);
            long parameters = parse.GetValue(budget);
            if (parameters < 1)
            {
                throw new UsageException($"--params must be at least 1; got {parameters}.");
            }

            double fraction = parse.GetValue(tolerance);
            if (!(fraction > 0) || !double.IsFinite(fraction))
            {
                throw new UsageException($"--tolerance must be a positive fraction such as 0.05; got {fraction}.");
            }

            StudyData study = StudyData.Load(parse.GetValue(data)!, seedValue);
            FlowKind kind = parse.GetValue(model) switch
            {
                "nice" => FlowKind.Nice,
                "nsf" => FlowKind.Nsf,
                _ => FlowKind.RealNvp,
            };
            var options = new BudgetStudyOptions
            {
                Budget = parameters,
                LayerCounts = [.. IntegerList.Parse(parse.GetValue(layers)!, "--layers", 1).Distinct()],
                HiddenLayerCounts = [.. IntegerList.Parse(parse.GetValue(depths)!, "--depths", 1).Distinct()],
                Tolerance = fraction,
                Trainer = study.Trainer(
                    TrainCommand.Positive(parse.GetValue(steps), "--steps"),
                    TrainCommand.Positive(parse.GetValue(batch), "--batch"),
                    TrainCommand.PositiveFloat(parse.GetValue(lr), "--lr"),
                    seedValue),
            };
            int total = options.LayerCounts.Count * options.HiddenLayerCounts.Count;
            context.Error.WriteLine(
                $"{total} cells of {parameters:N0} parameters on {study.Data.Name}, "
                + $"{options.Trainer.Steps} steps each.");
            int done = 0;
            var progress = new InlineProgress<BudgetStudyCell>(cell => context.Error.WriteLine(
                $"cell {++done}/{total}: " + Describe(cell, study)));
            FlowSpec template = study.Template(kind) with { ZeroLastLayer = parse.GetValue(zeroInit) };
            IReadOnlyList<BudgetStudyCell> cells = BudgetStudy.Run(
                template, study.Train, study.Validation, study.Data.Test, options, study.Prepare, progress,
                context.Cancellation);
            StudyOutput.Publish(
                Report(cells, options, study, template), StudyOutput.Folder(parse.GetValue(output), Name), context);

            return ExitCodes.Ok;
        });

        return command;
    }

    private static string Describe(BudgetStudyCell cell, StudyData study)
    {
        BudgetShape s = cell.Shape;
        string shape = $"{s.Layers} couplings x depth {s.HiddenLayers}, width {s.HiddenFeatures}, {s.Parameters:N0} "
            + "parameters";
        return cell.MeetsBudget
            ? $"{shape}: test {StudyTable.Number(study.Score(cell.TestNll))} {study.ScoreUnit} "
                + $"({cell.Elapsed.TotalSeconds:F1} s)"
            : $"{shape}: misses the budget by {cell.Shape.Deviation:P1}, not trained";
    }

    private static StudyReport Report(
        IReadOnlyList<BudgetStudyCell> cells, BudgetStudyOptions options, StudyData study, FlowSpec template)
    {
        var table = new StudyTable(
            "layers", "depth", "hidden", "parameters", "deviation", "test_nll_nats", "test_score", "score_unit",
            "stop_reason", "train_seconds");
        foreach (BudgetStudyCell c in cells)
        {
            table.Add(c.Shape.Layers, c.Shape.HiddenLayers, c.Shape.HiddenFeatures, c.Shape.Parameters,
                c.Shape.Deviation, c.TestNll, study.Score(c.TestNll), study.ScoreUnit,
                c.StopReason?.ToString() ?? "not trained", Math.Round(c.Elapsed.TotalSeconds, 2));
        }

        var settings = new Dictionary<string, object>
        {
            ["data"] = study.Data.Name,
            ["model"] = template.Kind.ToString(),
            ["zero_init"] = template.ZeroLastLayer,
            ["params"] = options.Budget,
            ["tolerance"] = options.Tolerance,
            ["layers"] = options.LayerCounts,
            ["depths"] = options.HiddenLayerCounts,
            ["steps"] = options.Trainer.Steps,
            ["batch"] = options.Trainer.BatchSize,
            ["seed"] = options.Trainer.Seed,
        };
        var summary = new Dictionary<string, object>();
        BudgetStudyCell? best = cells.Where(c => double.IsFinite(c.TestNll)).MinBy(c => c.TestNll);
        if (best is not null)
        {
            summary["best_cell"] = $"{best.Shape.Layers} couplings x depth {best.Shape.HiddenLayers}";
            summary[$"best_test_{(study.Discrete ? "bits_per_dim" : "nll_nats")}"] = study.Score(best.TestNll);
        }

        summary["largest_deviation"] = cells.Max(c => Math.Abs(c.Shape.Deviation));

        return new StudyReport(Name, settings, table, summary, path => Draw(cells, options, study, path));
    }

    private static void Draw(
        IReadOnlyList<BudgetStudyCell> cells, BudgetStudyOptions options, StudyData study, string path)
    {
        IReadOnlyList<int> rows = options.LayerCounts;
        IReadOnlyList<int> columns = options.HiddenLayerCounts;
        double[,] scores = new double[rows.Count, columns.Count];
        var plot = new Plot();
        for (int r = 0; r < rows.Count; r++)
        {
            for (int c = 0; c < columns.Count; c++)
            {
                BudgetStudyCell cell = cells[(r * columns.Count) + c];
                scores[r, c] = study.Score(cell.TestNll);
                string text = $"{StudyTable.Number(scores[r, c])}\n{cell.Shape.Parameters:N0} p\n"
                    + $"width {cell.Shape.HiddenFeatures}";
                var label = plot.Add.Text(text, c, rows.Count - 1 - r);
                label.Alignment = Alignment.MiddleCenter;
                label.LabelFontSize = 13;
                label.LabelBackgroundColor = Colors.White.WithAlpha(0.7);
            }
        }

        if (cells.Any(c => double.IsFinite(c.TestNll)))
        {
            var map = plot.Add.Heatmap(scores);
            map.Colormap = new ScottPlot.Colormaps.Viridis();
            map.NaNCellColor = Colors.LightGray;
            plot.MoveToBack(map);
            plot.Add.ColorBar(map).Label = $"test {study.ScoreUnit}";
        }

        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, columns.Count).Select(c => (double)c)],
            [.. columns.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows.Count).Select(r => (double)(rows.Count - 1 - r))],
            [.. rows.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Title($"{options.Budget:N0} parameters on {study.Data.Name}: test {study.ScoreUnit} per cell");
        plot.XLabel("hidden layers per conditioner");
        plot.YLabel("couplings");
        PngFile.Save(plot, path, 800, 640);
    }
}
