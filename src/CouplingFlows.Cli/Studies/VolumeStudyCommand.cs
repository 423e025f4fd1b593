using System.CommandLine;
using CouplingFlows.Cli.Commands;
using CouplingFlows.Cli.Plots;
using CouplingFlows.Diagnostics;
using CouplingFlows.Flows;
using ScottPlot;

namespace CouplingFlows.Cli.Studies;

/// <summary>coupling-flows study volume: NICE (volume preserving) against RealNVP on the same data and
/// budget.</summary>
internal static class VolumeStudyCommand
{
    public const string Name = "volume";

    private const int Bins = 40;

    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data")
        {
            Description = "A bundled data set (digits, moons, ...) or a data file.",
            DefaultValueFactory = _ => "digits",
        };
        var layers = TrainCommand.Int("--layers", "Couplings in each flow.", 4);
        var hidden = TrainCommand.Int("--hidden", "Conditioner width.", 128);
        var depth = TrainCommand.Int("--depth", "Hidden layers per conditioner.", 2);
        var steps = TrainCommand.Int("--steps", "Optimiser steps for each flow.", 1000);
        var batch = TrainCommand.Int("--batch", "Rows per mini-batch.", 256);
        var lr = new Option<float>("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => 1e-3f };
        var zeroInit = StudyCommand.ZeroInit();
        var seed = StudyCommand.Seed();
        var output = StudyCommand.Out(Name);
        var command = new Command(Name,
            "Train NICE (additive couplings: log-det exactly 0 at every input, plus one diagonal scaling) and RealNVP "
            + "(affine) with the same data, shape, steps and seed; compare test NLL and the distribution of the "
            + "learned layers' log-det per test row.")
        {
            data, layers, hidden, depth, steps, batch, lr, zeroInit, seed, output,
        };
        command.SetAction(parse =>
        {
            long seedValue = parse.GetValue(seed);
            StudyData study = StudyData.Load(parse.GetValue(data)!, seedValue);
            FlowSpec template = study.Template(FlowKind.RealNvp) with
            {
                Layers = TrainCommand.Positive(parse.GetValue(layers), "--layers"),
                HiddenFeatures = TrainCommand.Positive(parse.GetValue(hidden), "--hidden"),
                HiddenLayers = TrainCommand.Positive(parse.GetValue(depth), "--depth"),
                ZeroLastLayer = parse.GetValue(zeroInit),
            };
            var trainer = study.Trainer(
                TrainCommand.Positive(parse.GetValue(steps), "--steps"),
                TrainCommand.Positive(parse.GetValue(batch), "--batch"),
                TrainCommand.PositiveFloat(parse.GetValue(lr), "--lr"),
                seedValue);
            context.Error.WriteLine(
                $"Training NICE and RealNVP on {study.Data.Name} ({study.Train.Rows} train rows, "
                + $"{study.Data.Features} features), {template.Layers} couplings, {trainer.Steps} steps each.");
            var progress = new InlineProgress<VolumeStudyResult>(r => context.Error.WriteLine(
                $"{Label(r.Kind)}: test {StudyTable.Number(study.Score(r.TestNll))} {study.ScoreUnit}, "
                + $"{r.Parameters:N0} parameters, {r.Training.Elapsed.TotalSeconds:F1} s"));
            IReadOnlyList<VolumeStudyResult> results = VolumeStudy.Run(
                template, [FlowKind.Nice, FlowKind.RealNvp], study.Train, study.Validation, study.Data.Test, trainer,
                study.Prepare, progress, context.Cancellation);
            StudyOutput.Publish(
                Report(results, study, template, trainer.Steps), StudyOutput.Folder(parse.GetValue(output), Name),
                context);

            return ExitCodes.Ok;
        });

        return command;
    }

    private static string Label(FlowKind kind) => kind switch
    {
        FlowKind.Nice => "nice",
        FlowKind.RealNvp => "realnvp",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static StudyReport Report(
        IReadOnlyList<VolumeStudyResult> results, StudyData study, FlowSpec template, int steps)
    {
        var table = new StudyTable(
            "model", "parameters", "test_nll_nats", "test_score", "score_unit", "learned_log_abs_det_mean",
            "learned_log_abs_det_std", "learned_log_abs_det_min", "learned_log_abs_det_max",
            "largest_coupling_log_abs_det", "train_seconds");
        foreach (VolumeStudyResult r in results)
        {
            SummaryStatistics s = r.LearnedSummary;
            table.Add(Label(r.Kind), r.Parameters, r.TestNll, study.Score(r.TestNll), study.ScoreUnit, s.Mean,
                s.StandardDeviation, s.Minimum, s.Maximum, r.LargestCouplingLogAbsDet,
                Math.Round(r.Training.Elapsed.TotalSeconds, 2));
        }

        var settings = new Dictionary<string, object>
        {
            ["data"] = study.Data.Name,
            ["layers"] = template.Layers,
            ["hidden"] = template.HiddenFeatures,
            ["depth"] = template.HiddenLayers,
            ["steps"] = steps,
            ["zero_init"] = template.ZeroLastLayer,
            ["test_rows"] = study.Data.Test.Rows,
            ["learned_log_abs_det"] = "log|det J| per test row of the layers with trainable parameters",
        };
        var summary = new Dictionary<string, object>();
        foreach (VolumeStudyResult r in results)
        {
            summary[$"{Label(r.Kind)}_test_{(study.Discrete ? "bits_per_dim" : "nll_nats")}"] = study.Score(r.TestNll);
            summary[$"{Label(r.Kind)}_learned_log_abs_det_std"] = r.LearnedSummary.StandardDeviation;
            summary[$"{Label(r.Kind)}_largest_coupling_log_abs_det"] = r.LargestCouplingLogAbsDet;
        }

        return new StudyReport(Name, settings, table, summary, path => Draw(results, study, path));
    }

    private static void Draw(IReadOnlyList<VolumeStudyResult> results, StudyData study, string path)
    {
        double low = results.SelectMany(r => r.LearnedLogAbsDet).Where(double.IsFinite).DefaultIfEmpty(0).Min();
        double high = results.SelectMany(r => r.LearnedLogAbsDet).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        double width = Math.Max((high - low) / Bins, 1e-9);
        var plot = new Plot();
        foreach (VolumeStudyResult r in results)
        {
            string label = $"{Label(r.Kind)} (test {StudyTable.Number(study.Score(r.TestNll))} {study.ScoreUnit})";
            SummaryStatistics s = r.LearnedSummary;
            if (s.StandardDeviation == 0)
            {
                var line = plot.Add.VerticalLine(s.Mean, 3);
                line.LegendText = $"{label}: every row {StudyTable.Number(s.Mean)}";
                continue;
            }

            double[] fractions = new double[Bins];
            foreach (double v in r.LearnedLogAbsDet.Where(double.IsFinite))
            {
                fractions[Math.Clamp((int)((v - low) / width), 0, Bins - 1)] += 1.0 / r.LearnedLogAbsDet.Count;
            }

            double[] centres = [.. Enumerable.Range(0, Bins).Select(b => low + ((b + 0.5) * width))];
            var bars = plot.Add.Bars(centres, fractions);
            foreach (Bar bar in bars.Bars)
            {
                bar.Size = width;
                bar.LineWidth = 0;
            }

            bars.LegendText = label;
        }

        plot.Title("log|det J| per test row of the learned layers");
        plot.XLabel("log|det J| (nats)");
        plot.YLabel("fraction of rows");
        plot.ShowLegend(Alignment.UpperRight);
        PngFile.Save(plot, path);
    }
}
