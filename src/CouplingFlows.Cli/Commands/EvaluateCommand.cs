using System.CommandLine;
using System.Globalization;
using CouplingFlows.Cli.Running;
using CouplingFlows.Data;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Training;

namespace CouplingFlows.Cli.Commands;

/// <summary>coupling-flows evaluate: the log-density of every row of a file (anomaly scores).</summary>
internal static class EvaluateCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "A model file or run folder.", Required = true };
        var data = new Option<string>("--data")
        {
            Description = "A .csv, .csv.gz, .npy or IDX file with one row per sample and the model's columns.",
            Required = true,
        };
        var output = new Option<string?>("--out")
        {
            Description = "Write the log-densities as CSV here instead of stdout.",
        };
        var seed = new Option<long>("--seed")
        {
            Description = "Seed of the dequantisation noise for discrete models.",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("evaluate",
            "Score every row: writes log_prob (natural log of the density, higher is more typical) per row as CSV, "
            + "and prints the mean NLL on stderr.")
        {
            model, data, output, seed,
        };
        command.SetAction(parse =>
        {
            Flow flow = ModelLoader.Load(parse.GetRequiredValue(model));
            string path = parse.GetRequiredValue(data);
            Tensor rows = ReadRows(path);
            if (rows.Rows == 0)
            {
                throw new InvalidDataException($"{path} holds no rows to score.");
            }

            if (rows.RowLength != flow.Features)
            {
                throw new InvalidDataException(
                    $"{path} has {rows.RowLength} columns but the model was built for {flow.Features} features.");
            }

            bool discrete = flow.Spec?.Preprocessing == PreprocessingKind.DequantizeLogit;
            if (discrete)
            {
                CheckLevels(rows, flow.Spec!.Levels, path);
            }

            Tensor scored = discrete ? Evaluation.Dequantize(rows, new RandomSource(parse.GetValue(seed))) : rows;
            float[] logProb = Evaluation.LogProb(flow, scored);
            WriteScores(logProb, parse.GetValue(output), context);
            double meanNll = -logProb.Select(v => (double)v).Average();
            string bits = discrete
                ? string.Create(CultureInfo.InvariantCulture,
                    $", {Evaluation.BitsPerDimension(meanNll, flow.Features):F4} bits/dim")
                : string.Empty;
            context.Error.WriteLine(string.Create(
                CultureInfo.InvariantCulture, $"{rows.Rows} rows, mean NLL {meanNll:F4} nats per sample{bits}."));

            return ExitCodes.Ok;
        });

        return command;
    }

    internal static Tensor ReadRows(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"--data '{path}': no such file.", path);
        }

        string name = Path.GetFileName(path).ToLowerInvariant();
        if (name.EndsWith(".npy", StringComparison.Ordinal))
        {
            return NpyReader.Read(path);
        }

        return name.Contains("idx", StringComparison.Ordinal) || name.Contains("ubyte", StringComparison.Ordinal)
            ? IdxReader.ReadImages(path)
            : CsvReader.Read(path).Values;
    }

    /// <summary>Refuses values a discrete model cannot score: pixels must lie in 0..L−1 before the noise.</summary>
    internal static void CheckLevels(Tensor rows, int levels, string path)
    {
        int width = rows.RowLength;
        for (int i = 0; i < rows.Length; i++)
        {
            float v = rows.Data[i];
            if (!(v >= 0f && v <= levels - 1))
            {
                throw new InvalidDataException(
                    $"{path}, data row {(i / width) + 1}, column {(i % width) + 1}: {v} is outside the model's "
                    + $"value range 0..{levels - 1} (it was trained on discrete data with {levels} levels).");
            }
        }
    }

    private static void WriteScores(float[] logProb, string? path, CliContext context)
    {
        var table = new Tensor(logProb, logProb.Length, 1);
        if (path is null)
        {
            CsvWriter.Write(context.Output, table, ["log_prob"]);
            return;
        }

        CsvWriter.Write(path, table, ["log_prob"]);
        context.Error.WriteLine($"Wrote {logProb.Length} scores to {path}.");
    }
}
