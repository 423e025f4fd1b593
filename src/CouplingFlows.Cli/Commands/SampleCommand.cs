using System.CommandLine;
using CouplingFlows.Cli.Plots;
using CouplingFlows.Cli.Running;
using CouplingFlows.Data;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Cli.Commands;

/// <summary>coupling-flows sample: draw from a trained flow.</summary>
internal static class SampleCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "A model file or run folder.", Required = true };
        var count = new Option<int>("-n", "--count")
        {
            Description = "Number of samples.",
            DefaultValueFactory = _ => 1000,
        };
        var temperature = new Option<float>("--temperature")
        {
            Description = "Scale of the base noise: 1 samples the model, below 1 gives cleaner, less varied samples.",
            DefaultValueFactory = _ => 1f,
        };
        var seed = new Option<long>("--seed") { Description = "Seed of the draw.", DefaultValueFactory = _ => 0 };
        var output = new Option<string?>("--out") { Description = "Write the samples as CSV here instead of stdout." };
        var png = new Option<string?>("--png")
        {
            Description = "Also draw the samples to this PNG (an image grid for image models, else a scatter).",
        };
        var command = new Command("sample", "Draw samples from a trained flow; CSV on stdout or --out.")
        {
            model, count, temperature, seed, output, png,
        };
        command.SetAction(parse =>
        {
            Flow flow = ModelLoader.Load(parse.GetRequiredValue(model));
            int n = TrainCommand.Positive(parse.GetValue(count), "-n");
            float t = TrainCommand.PositiveFloat(parse.GetValue(temperature), "--temperature");
            Tensor samples = flow.Sample(n, new RandomSource(parse.GetValue(seed)), t);
            Write(samples, parse.GetValue(output), context);
            if (parse.GetValue(png) is string picture)
            {
                Draw(flow, samples, picture);
                context.Error.WriteLine($"Wrote {picture}.");
            }

            return ExitCodes.Ok;
        });

        return command;
    }

    private static void Write(Tensor samples, string? path, CliContext context)
    {
        if (path is null)
        {
            CsvWriter.Write(context.Output, samples);
            return;
        }

        CsvWriter.Write(path, samples);
        context.Error.WriteLine($"Wrote {samples.Rows} samples to {path}.");
    }

    private static void Draw(Flow flow, Tensor samples, string path)
    {
        FlowSpec? spec = flow.Spec;
        if (spec?.ImageShape is { Count: 3 } shape && spec.Preprocessing == PreprocessingKind.DequantizeLogit)
        {
            ImageGrid.Save(samples, [.. shape], spec.Levels, path);
            return;
        }

        ScatterPlot.Save(samples, null, path, "samples");
    }
}
