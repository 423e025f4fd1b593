using System.CommandLine;
using System.Globalization;
using CouplingFlows.Cli.Running;
using CouplingFlows.Cli.Studies;
using CouplingFlows.Data;
using CouplingFlows.Diagnostics;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Training;

namespace CouplingFlows.Cli.Commands;

/// <summary>coupling-flows check: the invertibility and log-det audit of a saved model.</summary>
internal static class CheckCommand
{
    public static Command Create(CliContext context)
    {
        var model = new Option<string>("--model") { Description = "A model file or run folder.", Required = true };
        var data = new Option<string?>("--data")
        {
            Description = "Rows to check at: a .csv, .csv.gz or .npy file, or a bundled data set (its test rows). "
                + "Default: samples drawn from the model itself.",
        };
        var rows = TrainCommand.Int("--rows", "Number of rows to check (each costs 2D passes per layer).", 16);
        var tolerance = new Option<double>("--tolerance")
        {
            Description = "Largest accepted error, scaled by max(1, |reference|). float32 arithmetic leaves up to "
                + "4e-6 per layer and 3e-5 for a trained stack; a wrong formula shows at 1e-2 or more.",
            DefaultValueFactory = _ => JacobianAuditOptions.DefaultTolerance,
        };
        var seed = new Option<long>("--seed")
        {
            Description = "Seed of the samples or dequantisation noise.",
            DefaultValueFactory = _ => 0,
        };
        var output = new Option<string?>("--out")
        {
            Description = "Also write check.csv and check.json to this folder.",
        };
        var command = new Command("check",
            "Audit a saved model layer by layer: the round trip |f^-1(f(x)) - x| in float32, and the analytic log-det "
            + "against log|det J| of the full Jacobian, computed by forward-mode differentiation of a "
            + "double-precision twin of each layer and factorised by LU. Exits 3 when an error exceeds the "
            + "tolerance.")
        {
            model, data, rows, tolerance, seed, output,
        };
        command.SetAction(parse =>
        {
            Flow flow = ModelLoader.Load(parse.GetRequiredValue(model));
            int count = TrainCommand.Positive(parse.GetValue(rows), "--rows");
            double limit = parse.GetValue(tolerance);
            if (!(limit > 0) || !double.IsFinite(limit))
            {
                throw new UsageException($"--tolerance must be a positive number; got {limit}.");
            }

            long seedValue = parse.GetValue(seed);
            (Tensor x, string source) = Inputs(flow, parse.GetValue(data), count, seedValue);
            JacobianAuditReport report = JacobianAudit.Run(
                flow.Transform, x, options: new JacobianAuditOptions { Tolerance = limit });
            StudyReport study = ToStudy(report, source);
            StudyOutput.Publish(study, parse.GetValue(output), context);

            return Verdict(report, source, context);
        });

        return command;
    }

    private static (Tensor Rows, string Source) Inputs(Flow flow, string? data, int count, long seed)
    {
        int? levels = flow.Spec is { Preprocessing: PreprocessingKind.DequantizeLogit } spec ? spec.Levels : null;
        bool discrete = levels is not null;
        if (data is null)
        {
            Tensor samples = flow.Sample(count, new RandomSource(seed));
            if (levels is int top)
            {
                // Dequantised data lie in [0, L); a sample clamped to the edge by the logit's inverse can
                // round a hair past L, where the logit is undefined.
                float highest = MathF.BitDecrement(top);
                float[] values = samples.Data;
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = Math.Clamp(values[i], 0f, highest);
                }
            }

            return (samples, "samples drawn from the model");
        }

        Tensor all = File.Exists(data)
            ? EvaluateCommand.ReadRows(data)
            : DataSources.Load(data, seed).Test;
        if (all.RowLength != flow.Features)
        {
            throw new InvalidDataException(
                $"--data '{data}' has {all.RowLength} columns but the model was built for {flow.Features} features.");
        }

        Tensor taken = TensorRows.Take(all, [.. Enumerable.Range(0, Math.Min(count, all.Rows))]);
        Tensor rows = discrete ? Evaluation.Dequantize(taken, new RandomSource(seed)) : taken;

        return (rows, $"rows of {data}" + (discrete ? " (dequantised)" : string.Empty));
    }

    private static StudyReport ToStudy(JacobianAuditReport report, string source)
    {
        var table = new StudyTable(
            "layer", "type", "features", "round_trip_error", "log_abs_det_error", "reference_log_abs_det_error",
            "output_error", "inverse_log_abs_det_error", "largest_log_abs_det", "worst_scaled_error", "passed");
        foreach (LayerAudit audit in report.Layers.Append(report.Stack))
        {
            table.Add(
                audit.Name, audit.TransformType, audit.Features, audit.RoundTrip.MaxError, audit.LogAbsDet.MaxError,
                audit.ReferenceLogAbsDet.MaxError, audit.Output.MaxError, audit.InverseLogAbsDet.MaxError,
                audit.LargestLogAbsDet, audit.WorstScaledError, audit.Passes(report.Tolerance));
        }

        var settings = new Dictionary<string, object>
        {
            ["rows"] = report.Rows,
            ["source"] = source,
            ["tolerance"] = report.Tolerance,
            ["jacobian"] = "forward-mode (dual numbers) on a double-precision twin of each layer, then LU",
        };
        var summary = new Dictionary<string, object>
        {
            ["passed"] = report.Passed,
            ["worst_layer"] = report.Worst.Name,
            ["worst_scaled_error"] = report.Worst.WorstScaledError,
            ["tolerance"] = report.Tolerance,
        };

        return new StudyReport("check", settings, table, summary, null);
    }

    private static int Verdict(JacobianAuditReport report, string source, CliContext context)
    {
        string worst = string.Create(
            CultureInfo.InvariantCulture,
            $"worst scaled error {report.Worst.WorstScaledError:G3} at {report.Worst.Name}, tolerance "
            + $"{report.Tolerance:G3}, {report.Rows} {source}");
        if (report.Passed)
        {
            context.Error.WriteLine($"Check passed: {worst}.");
            return ExitCodes.Ok;
        }

        context.Error.WriteLine($"error: check failed: {worst}. Errors are scaled by max(1, |reference|).");
        return ExitCodes.Failed;
    }
}
