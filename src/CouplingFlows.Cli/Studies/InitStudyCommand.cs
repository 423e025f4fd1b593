using System.CommandLine;
using CouplingFlows.Cli.Commands;
using CouplingFlows.Cli.Plots;
using CouplingFlows.Diagnostics;
using ScottPlot;

namespace CouplingFlows.Cli.Studies;

/// <summary>coupling-flows study init: log-scales and log-dets of fresh flows under four initialisations.</summary>
internal static class InitStudyCommand
{
    public const string Name = "init";

    /// <summary>Exact zeros cannot sit on a log axis; they are drawn at this value and the plot says so.</summary>
    private const double Floor = 1e-8;

    private static readonly Dictionary<string, InitializationScheme> Schemes = new()
    {
        ["glorot-tanh"] = InitializationScheme.GlorotTanh,
        ["glorot-relu"] = InitializationScheme.GlorotRelu,
        ["normal"] = InitializationScheme.StandardNormal,
        ["zero-last"] = InitializationScheme.ZeroLastLayer,
    };

    public static Command Create(CliContext context)
    {
        var features = TrainCommand.Int("--features", "D; inputs are drawn from N(0, I).", 16);
        var depths = StudyCommand.List("--depths", "Numbers of stacked couplings to report.", "1,2,4,8,16,32");
        var hidden = TrainCommand.Int("--hidden", "Conditioner width.", 256);
        var depth = TrainCommand.Int("--depth", "Hidden layers per conditioner.", 2);
        var rows = TrainCommand.Int("--rows", "Input rows.", 1000);
        var schemes = new Option<string>("--schemes")
        {
            Description = "Initialisations: glorot-tanh, glorot-relu, normal (every weight N(0,1), tanh) and "
                + "zero-last (Glorot, tanh, zero last layer).",
            DefaultValueFactory = _ => string.Join(",", Schemes.Keys),
        };
        var seed = StudyCommand.Seed();
        var output = StudyCommand.Out(Name);
        var command = new Command(Name,
            "For fresh RealNVP flows, the distribution of the conditioners' log-scales s and of the total log-det "
            + "per row as couplings are stacked, under each initialisation.")
        {
            features, depths, hidden, depth, rows, schemes, seed, output,
        };
        command.SetAction(parse =>
        {
            var options = new InitializationStudyOptions
            {
                Features = AtLeastTwo(parse.GetValue(features)),
                Depths = [.. IntegerList.Parse(parse.GetValue(depths)!, "--depths", 1).Distinct().Order()],
                HiddenFeatures = TrainCommand.Positive(parse.GetValue(hidden), "--hidden"),
                HiddenLayers = TrainCommand.Positive(parse.GetValue(depth), "--depth"),
                Rows = TrainCommand.Positive(parse.GetValue(rows), "--rows"),
                Schemes = ParseSchemes(parse.GetValue(schemes)!),
                Seed = parse.GetValue(seed),
            };
            context.Error.WriteLine(
                $"Fresh flows of up to {options.Depths.Max()} couplings on {options.Rows} rows of N(0, I) in "
                + $"{options.Features} dimensions, {options.Schemes.Count} initialisations.");
            IReadOnlyList<InitializationStatistics> results = InitializationStudy.Run(options);
            StudyOutput.Publish(Report(results, options), StudyOutput.Folder(parse.GetValue(output), Name), context);

            return ExitCodes.Ok;
        });

        return command;
    }

    private static int AtLeastTwo(int value) => value >= 2
        ? value
        : throw new UsageException($"--features must be at least 2 for a coupling; got {value}.");

    private static InitializationScheme[] ParseSchemes(string text) =>
        [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(name => Schemes.TryGetValue(name, out InitializationScheme scheme)
                ? scheme
                : throw new UsageException(
                    $"--schemes: '{name}' is not accepted; use {string.Join(", ", Schemes.Keys)}."))];

    private static string SchemeName(InitializationScheme scheme) => Schemes.First(p => p.Value == scheme).Key;

    private static StudyReport Report(IReadOnlyList<InitializationStatistics> results, InitializationStudyOptions o)
    {
        var table = new StudyTable(
            "scheme", "layers", "h_std", "s_mean", "s_std", "s_max_abs", "log_abs_det_mean", "log_abs_det_std",
            "log_abs_det_max_abs", "output_max_abs", "non_finite_rows");
        foreach (InitializationStatistics r in results)
        {
            table.Add(SchemeName(r.Scheme), r.Layers, r.RawLogScale.StandardDeviation, r.LogScale.Mean,
                r.LogScale.StandardDeviation, r.LogScale.MaxAbs, r.LogAbsDet.Mean, r.LogAbsDet.StandardDeviation,
                r.LogAbsDet.MaxAbs, r.Output.MaxAbs, r.LogAbsDet.NonFinite);
        }

        var settings = new Dictionary<string, object>
        {
            ["features"] = o.Features,
            ["depths"] = o.Depths,
            ["hidden"] = o.HiddenFeatures,
            ["depth"] = o.HiddenLayers,
            ["rows"] = o.Rows,
            ["seed"] = o.Seed,
            ["s"] = "bounded log-scales c*tanh(h/c), c = 3, pooled over couplings 1..k; h the raw conditioner output",
            ["output_max_abs"] = "largest |value| of the flow's output after k couplings",
        };
        var summary = new Dictionary<string, object>();
        foreach (InitializationStatistics deepest in results.GroupBy(r => r.Scheme).Select(g => g.Last()))
        {
            summary[$"{SchemeName(deepest.Scheme)}_max_abs_log_abs_det_at_{deepest.Layers}"] =
                deepest.LogAbsDet.MaxAbs;
        }

        return new StudyReport(Name, settings, table, summary, path => Draw(results, path));
    }

    private static void Draw(IReadOnlyList<InitializationStatistics> results, string path)
    {
        Plot logDet = Panel("max |total log-det| per row", "max |log|det J||");
        Plot spread = Panel("spread of the raw log-scales h", "std of h");
        Plot reach = Panel("largest |output| of the flow", "max |z|");
        foreach (IGrouping<InitializationScheme, InitializationStatistics> group in results.GroupBy(r => r.Scheme))
        {
            double[] layers = [.. group.Select(r => Math.Log10(r.Layers))];
            Line(logDet, layers, group.Select(r => r.LogAbsDet.MaxAbs), SchemeName(group.Key));
            Line(spread, layers, group.Select(r => r.RawLogScale.StandardDeviation), SchemeName(group.Key));
            Line(reach, layers, group.Select(r => r.Output.MaxAbs), SchemeName(group.Key));
        }

        PanelFigure.Save([logDet, spread, reach], 3, 560, 480, path);
    }

    private static Plot Panel(string title, string yLabel)
    {
        var plot = new Plot();
        plot.Title($"{title} (exact 0 drawn at 1e-8)", 13);
        plot.XLabel("stacked couplings k");
        plot.YLabel(yLabel);
        LogTicks.Apply(plot.Axes.Bottom);
        LogTicks.Apply(plot.Axes.Left);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>Draws one scheme; depths where every row overflowed (no finite value) are left out.</summary>
    private static void Line(Plot plot, double[] layers, IEnumerable<double> values, string label)
    {
        (double X, double Y)[] points = [.. layers.Zip(values)
            .Where(p => double.IsFinite(p.Second))
            .Select(p => (p.First, Math.Log10(Math.Max(p.Second, Floor))))];
        var line = plot.Add.ScatterLine(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
        line.MarkerSize = 6;
        line.LegendText = label;
    }
}
