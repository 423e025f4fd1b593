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
        var continuous = new Option<bool>("--continuous")
        {
            Description = "For a model of discrete data (digits, images), write the flow's continuous draws in "
                + "[0, L) instead of their levels floor(x) in 0..L-1.",
        };
        var command = new Command("sample", "Draw samples from a trained flow; CSV on stdout or --out.")
        {
            model, count, temperature, seed, output, png, continuous,
        };
        command.SetAction(parse =>
        {
            Flow flow = ModelLoader.Load(parse.GetRequiredValue(model));
            int n = TrainCommand.Positive(parse.GetValue(count), "-n");
            float t = TrainCommand.PositiveFloat(parse.GetValue(temperature), "--temperature");
            Tensor samples = flow.Sample(n, new RandomSource(parse.GetValue(seed)), t);
            if (!parse.GetValue(continuous))
            {
                ToLevels(flow.Spec, samples);
            }

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

    /// <summary>
    /// A flow of dequantised data models x = v + u with v a level and u ~ U[0, 1), so a draw's level is
    /// floor(x), clamped to 0..L-1: values that `evaluate` and the training data share.
    /// </summary>
    private static void ToLevels(FlowSpec? spec, Tensor samples)
    {
        if (spec is not { Preprocessing: PreprocessingKind.DequantizeLogit })
        {
            return;
        }

        float top = spec.Levels - 1;
        Span<float> values = samples.Data;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Clamp(MathF.Floor(values[i]), 0f, top);
        }
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
