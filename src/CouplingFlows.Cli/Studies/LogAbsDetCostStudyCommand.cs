using System.CommandLine;
using CouplingFlows.Cli.Commands;
using CouplingFlows.Cli.Plots;
using CouplingFlows.Diagnostics;
using ScottPlot;

namespace CouplingFlows.Cli.Studies;

/// <summary>coupling-flows study logdet-cost: analytic against brute-force log-determinants as D grows.</summary>
internal static class LogAbsDetCostStudyCommand
{
    public const string Name = "logdet-cost";

    public static Command Create(CliContext context)
    {
        var dims = StudyCommand.List("--dims", "Feature counts D to time.", "2,8,32,128,512");
        var layers = TrainCommand.Int("--layers", "Affine couplings in the timed flow.", 4);
        var hidden = TrainCommand.Int("--hidden", "Conditioner width, fixed as D grows.", 64);
        var depth = TrainCommand.Int("--depth", "Hidden layers per conditioner.", 2);
        var rows = TrainCommand.Int("--rows", "Rows in the batch that times the analytic log-det.", 256);
        var repeats = TrainCommand.Int("--repeats", "Timings per measurement; the fastest is kept.", 3);
        var seed = StudyCommand.Seed();
        var output = StudyCommand.Out(Name);
        var command = new Command(Name,
            "Time the analytic log-det (a sum of log-scales, from the forward pass) against brute force (the full "
            + "Jacobian by central differences, then an O(D^3) LU determinant) per row as D grows, and fit the "
            + "slopes of log time against log D.")
        {
            dims, layers, hidden, depth, rows, repeats, seed, output,
        };
        command.SetAction(parse =>
        {
            var options = new LogAbsDetCostOptions
            {
                Dimensions = IntegerList.Parse(parse.GetValue(dims)!, "--dims", 2),
                Layers = TrainCommand.Positive(parse.GetValue(layers), "--layers"),
                HiddenFeatures = TrainCommand.Positive(parse.GetValue(hidden), "--hidden"),
                HiddenLayers = TrainCommand.Positive(parse.GetValue(depth), "--depth"),
                BatchRows = TrainCommand.Positive(parse.GetValue(rows), "--rows"),
                Repeats = TrainCommand.Positive(parse.GetValue(repeats), "--repeats"),
                Seed = parse.GetValue(seed),
            };
            if (options.Dimensions.Distinct().Count() < 2)
            {
                throw new UsageException("--dims needs at least two different feature counts to fit a slope.");
            }

            var progress = new InlineProgress<LogAbsDetCostPoint>(p => context.Error.WriteLine(
                $"D={p.Features}: analytic {Seconds(p.AnalyticSeconds)}/row, Jacobian {Seconds(p.JacobianSeconds)}, "
                + $"LU {Seconds(p.DeterminantSeconds)}"));
            LogAbsDetCostResult result = LogAbsDetCostStudy.Run(options, progress);
            StudyOutput.Publish(Report(result, options), StudyOutput.Folder(parse.GetValue(output), Name), context);

            return ExitCodes.Ok;
        });

        return command;
    }

    private static StudyReport Report(LogAbsDetCostResult result, LogAbsDetCostOptions options)
    {
        var table = new StudyTable(
            "features", "analytic_seconds", "jacobian_seconds", "determinant_seconds", "brute_force_seconds",
            "brute_force_over_analytic", "log_abs_det_difference");
        foreach (LogAbsDetCostPoint p in result.Points)
        {
            table.Add(p.Features, p.AnalyticSeconds, p.JacobianSeconds, p.DeterminantSeconds, p.BruteForceSeconds,
                p.Ratio, p.Difference);
        }

        var settings = new Dictionary<string, object>
        {
            ["dims"] = options.Dimensions,
            ["layers"] = options.Layers,
            ["hidden"] = options.HiddenFeatures,
            ["depth"] = options.HiddenLayers,
            ["batch_rows"] = options.BatchRows,
            ["repeats"] = options.Repeats,
            ["seed"] = options.Seed,
            ["timing"] = "seconds per row, single thread, best of the repeats",
        };
        int[] largest = [.. result.Points.TakeLast(3).Select(p => p.Features)];
        var summary = new Dictionary<string, object>
        {
            ["analytic_slope"] = result.All.Analytic.Slope,
            ["jacobian_slope"] = result.All.Jacobian.Slope,
            ["determinant_slope"] = result.All.Determinant.Slope,
            ["brute_force_slope"] = result.All.BruteForce.Slope,
            ["largest_dims"] = largest,
            ["analytic_slope_largest_dims"] = result.Largest.Analytic.Slope,
            ["jacobian_slope_largest_dims"] = result.Largest.Jacobian.Slope,
            ["determinant_slope_largest_dims"] = result.Largest.Determinant.Slope,
            ["brute_force_slope_largest_dims"] = result.Largest.BruteForce.Slope,
        };

        return new StudyReport(Name, settings, table, summary, path => Draw(result, path));
    }

    private static void Draw(LogAbsDetCostResult result, string path)
    {
        var plot = new Plot();
        double[] logD = [.. result.Points.Select(p => Math.Log10(p.Features))];
        LogAbsDetCostFits all = result.All;
        LogAbsDetCostFits largest = result.Largest;
        Series(plot, logD, result.Points.Select(p => p.AnalyticSeconds), all.Analytic, largest.Analytic,
            "analytic (forward pass)");
        Series(plot, logD, result.Points.Select(p => p.JacobianSeconds), all.Jacobian, largest.Jacobian,
            "Jacobian (2D passes)");
        Series(plot, logD, result.Points.Select(p => p.DeterminantSeconds), all.Determinant, largest.Determinant,
            "LU determinant");
        Series(plot, logD, result.Points.Select(p => p.BruteForceSeconds), all.BruteForce, largest.BruteForce,
            "brute force total");
        LogTicks.Apply(plot.Axes.Bottom);
        LogTicks.Apply(plot.Axes.Left);
        plot.Title("Cost of log|det J| per row (slopes: all D / three largest D)");
        plot.XLabel("features D");
        plot.YLabel("seconds per row");
        plot.ShowLegend(Alignment.UpperLeft);
        PngFile.Save(plot, path);
    }

    private static void Series(
        Plot plot, double[] logD, IEnumerable<double> seconds, LogLogFit fit, LogLogFit largest, string label)
    {
        double[] logT = [.. seconds.Select(s => Math.Log10(s))];
        var points = plot.Add.ScatterPoints(logD, logT);
        points.MarkerSize = 8;
        points.LegendText = $"{label}: slope {fit.Slope:F2} / {largest.Slope:F2}";
        double[] fitted = [.. logD.Select(u => Math.Log10(fit.Predict(Math.Pow(10, u))))];
        var line = plot.Add.ScatterLine(logD, fitted, points.Color);
        line.LinePattern = LinePattern.Dashed;
    }

    private static string Seconds(double seconds) => seconds switch
    {
        < 1e-3 => $"{StudyTable.Number(seconds * 1e6)} us",
        < 1 => $"{StudyTable.Number(seconds * 1e3)} ms",
        _ => $"{StudyTable.Number(seconds)} s",
    };
}
