using System.CommandLine;
using System.Globalization;
using CouplingFlows.Cli.Commands;
using CouplingFlows.Cli.Plots;
using CouplingFlows.Diagnostics;
using ScottPlot;

namespace CouplingFlows.Cli.Studies;

/// <summary>coupling-flows study receptive-field: which inputs reach each output after k couplings.</summary>
internal static class ReceptiveFieldStudyCommand
{
    public const string Name = "receptive-field";

    private static readonly Dictionary<string, TabularMaskScheme> TabularMasks = new()
    {
        ["alternating"] = TabularMaskScheme.Alternating,
        ["half-split"] = TabularMaskScheme.HalfSplit,
        ["random"] = TabularMaskScheme.Random,
    };

    private static readonly string[] ImageMasks = ["checkerboard", "channel"];

    public static Command Create(CliContext context)
    {
        var shape = new Option<string>("--shape")
        {
            Description = "D for a tabular stack (default 8), or CxHxW for images (1x8x8).",
            DefaultValueFactory = _ => "8",
        };
        var masks = new Option<string?>("--masks")
        {
            Description = "Mask schemes: alternating, half-split, random (tabular; the default) or checkerboard, "
                + "channel (images, with squeeze).",
        };
        var layers = StudyCommand.List("--layers", "Numbers of stacked couplings to measure.", "1..8");
        var hidden = TrainCommand.Int("--hidden", "Conditioner width.", 16);
        var points = TrainCommand.Int("--points", "Random points whose Jacobian patterns are joined.", 4);
        var seed = StudyCommand.Seed();
        var output = StudyCommand.Out(Name);
        var command = new Command(Name,
            "From the non-zero pattern of the real Jacobian of a random coupling stack, which inputs influence each "
            + "output after k layers: receptive-field sizes per depth and the dependency matrix of each depth.")
        {
            shape, masks, layers, hidden, points, seed, output,
        };
        command.SetAction(parse =>
        {
            int features = ParseShape(parse.GetValue(shape)!, out bool image);
            string masksText = parse.GetValue(masks)
                ?? string.Join(",", image ? ImageMasks : TabularMasks.Keys);
            string[] requested = masksText.Split(
                ',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            string[] imageMasks = [.. requested.Where(n => ImageMasks.Contains(n))];
            var options = new ReceptiveFieldOptions
            {
                Features = features,
                Depths = [.. IntegerList.Parse(parse.GetValue(layers)!, "--layers", 1).Distinct().Order()],
                Schemes = imageMasks.Length > 0 ? [] : ParseMasks(requested),
                HiddenFeatures = TrainCommand.Positive(parse.GetValue(hidden), "--hidden"),
                Points = TrainCommand.Positive(parse.GetValue(points), "--points"),
                Seed = parse.GetValue(seed),
            };
            IReadOnlyList<ReceptiveFieldDepth> results = imageMasks.Length > 0
                ? RunImage(parse.GetValue(shape)!, requested, imageMasks, options, context)
                : RunTabular(options, context);
            StudyOutput.Publish(Report(results, options), StudyOutput.Folder(parse.GetValue(output), Name), context);

            return ExitCodes.Ok;
        });

        return command;
    }

    private static IReadOnlyList<ReceptiveFieldDepth> RunTabular(ReceptiveFieldOptions options, CliContext context)
    {
        context.Error.WriteLine(
            $"Jacobian patterns of random affine coupling stacks on {options.Features} features at "
            + $"{options.Points} points, depths {string.Join(",", options.Depths)}.");
        return ReceptiveFieldStudy.Tabular(options);
    }

    private static IReadOnlyList<ReceptiveFieldDepth> RunImage(
        string shapeText, string[] requested, string[] imageMasks, ReceptiveFieldOptions options, CliContext context)
    {
        string[] parts = shapeText.Split('x', StringSplitOptions.TrimEntries);
        if (parts.Length != 3)
        {
            throw new UsageException($"--masks {imageMasks[0]} needs an image --shape CxHxW (as in 1x8x8).");
        }

        string? other = requested.FirstOrDefault(n => !ImageMasks.Contains(n) && n != "alternating");
        if (other is not null)
        {
            throw new UsageException(
                $"--masks: '{other}' cannot be mixed with image masks; use checkerboard, channel and alternating.");
        }

        int[] sides = [.. parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
        var shape = new Numerics.ImageShape(sides[0], sides[1], sides[2]);
        if (sides[1] % 2 != 0 || sides[2] % 2 != 0)
        {
            throw new UsageException($"--shape {shapeText}: the channel masks squeeze 2x2 blocks; use even sides.");
        }

        ImageMaskScheme[] schemes = [.. requested.Select(n => n switch
        {
            "checkerboard" => ImageMaskScheme.Checkerboard,
            "channel" => ImageMaskScheme.Channel,
            _ => ImageMaskScheme.Alternating,
        }).Distinct()];
        context.Error.WriteLine(
            $"Jacobian patterns of random convolutional coupling stacks on {shapeText} images at {options.Points} "
            + $"points, depths {string.Join(",", options.Depths)}.");
        return ImageReceptiveFieldStudy.Run(shape, schemes, options.Depths, options.Points, options.Seed);
    }

    private static int ParseShape(string text, out bool image)
    {
        string[] parts = text.Split('x', StringSplitOptions.TrimEntries);
        image = parts.Length == 3;
        if ((parts.Length != 1 && parts.Length != 3)
            || !parts.All(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
                && v >= 1))
        {
            throw new UsageException($"--shape '{text}' is not accepted; use D (as in 8) or CxHxW (as in 1x8x8).");
        }

        int features = parts.Select(p => int.Parse(p, CultureInfo.InvariantCulture)).Aggregate(1, (a, b) => a * b);
        if (features < 2)
        {
            throw new UsageException($"--shape '{text}' has {features} feature; a coupling needs at least 2.");
        }

        return features;
    }

    private static TabularMaskScheme[] ParseMasks(string[] names)
    {
        return [.. names.Select(n => TabularMasks.TryGetValue(n, out TabularMaskScheme scheme)
            ? scheme
            : throw new UsageException(
                $"--masks: '{n}' is not accepted; use {string.Join(", ", TabularMasks.Keys)} "
                + $"(or {string.Join(", ", ImageMasks)} for images).")).Distinct()];
    }

    private static StudyReport Report(IReadOnlyList<ReceptiveFieldDepth> results, ReceptiveFieldOptions o)
    {
        var table = new StudyTable(
            "masks", "layers", "mean_receptive_field", "min_receptive_field", "max_receptive_field", "dense",
            "dependencies");
        foreach (ReceptiveFieldDepth r in results)
        {
            DependencyMatrix m = r.Dependencies;
            table.Add(r.Masks, r.Layers, m.MeanReceptiveFieldSize, m.MinimumReceptiveFieldSize,
                m.MaximumReceptiveFieldSize, m.IsDense, m.ToPattern().TrimEnd('\n').Replace('\n', '/'));
        }

        var settings = new Dictionary<string, object>
        {
            ["features"] = o.Features,
            ["layers"] = o.Depths,
            ["hidden"] = o.HiddenFeatures,
            ["points"] = o.Points,
            ["seed"] = o.Seed,
            ["dependencies"] = "row i lists output i: '#' where it depends on input j, rows separated by '/'",
            ["threshold"] = ReceptiveFieldStudy.ReferenceThreshold,
        };
        var summary = new Dictionary<string, object>();
        foreach (IGrouping<string, ReceptiveFieldDepth> group in results.GroupBy(r => r.Masks))
        {
            ReceptiveFieldDepth? dense = group.FirstOrDefault(r => r.Dependencies.IsDense);
            summary[$"{group.Key}_layers_to_dense"] = dense is null ? "not within the measured depths" : dense.Layers;
        }

        return new StudyReport(Name, settings, table, summary, path => Draw(results, o.Depths.Count, path));
    }

    private static void Draw(IReadOnlyList<ReceptiveFieldDepth> results, int columns, string path)
    {
        var panels = new List<Plot>(results.Count);
        foreach (ReceptiveFieldDepth r in results)
        {
            DependencyMatrix m = r.Dependencies;
            double[,] cells = new double[m.Features, m.Features];
            for (int i = 0; i < m.Features; i++)
            {
                for (int j = 0; j < m.Features; j++)
                {
                    cells[i, j] = m.DependsOn(i, j) ? 1 : 0;
                }
            }

            var plot = new Plot();
            var map = plot.Add.Heatmap(cells);
            map.Colormap = new ScottPlot.Colormaps.GrayscaleReversed();
            map.ManualRange = new ScottPlot.Range(0, 1);
            plot.Title($"{r.Masks}, k={r.Layers}: mean {StudyTable.Number(m.MeanReceptiveFieldSize)}", 11);
            plot.XLabel("input j", 10);
            plot.YLabel("output i", 10);
            plot.Axes.Margins(0, 0);
            MatrixTicks(plot, m.Features);
            panels.Add(plot);
        }

        PanelFigure.Save(panels, columns, 220, 220, path);
    }

    /// <summary>The heat map draws row 0 at the top (y = D − 1): label rows and columns by index.</summary>
    private static void MatrixTicks(Plot plot, int features)
    {
        int step = Math.Max(1, features / 8);
        int[] indices = [.. Enumerable.Range(0, features).Where(i => i % step == 0)];
        string[] labels = [.. indices.Select(i => i.ToString(CultureInfo.InvariantCulture))];
        plot.Axes.Left.SetTicks([.. indices.Select(i => (double)(features - 1 - i))], labels);
        plot.Axes.Bottom.SetTicks([.. indices.Select(i => (double)i)], labels);
    }
}
