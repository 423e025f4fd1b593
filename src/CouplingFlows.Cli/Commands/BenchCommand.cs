using System.CommandLine;
using System.Globalization;
using CouplingFlows.Cli.Benchmarks;

namespace CouplingFlows.Cli.Commands;

/// <summary>coupling-flows bench: the standard configurations, measured as the reference figures were.</summary>
internal static class BenchCommand
{
    private const string Header =
        "config            params     ms/step  p10      p90      log_prob/s  samples/s   peak MiB  heap MiB "
        + " GFLOP/s  B alloc/step";

    public static Command Create(CliContext context)
    {
        var config = new Option<string>("--config")
        {
            Description = "A standard configuration MODEL-DATA (realnvp, nice or nsf on digits, moons or mnist, as in "
                + "realnvp-digits), or all.",
            DefaultValueFactory = _ => "all",
        };
        var json = new Option<bool>("--json") { Description = "One JSON object per line per configuration." };
        var steps = TrainCommand.Int("--steps", "Measured training steps per configuration.", 50);
        var warmup = TrainCommand.Int(
            "--warmup", "Unmeasured warm-up steps (the warm-up also lasts at least 2 s, while the JIT optimises).", 5);
        var layers = TrainCommand.Int("--layers", "Coupling layers.", 8);
        var memorySaving = new Option<bool>("--memory-saving")
        {
            Description = "Rebuild each coupling's input from its output during backward instead of caching it.",
        };
        var mnist = new Option<string?>("--mnist") { Description = "Path of the MNIST IDX images file." };
        var inProcess = new Option<bool>("--in-process")
        {
            Description = "Measure every configuration in this process (by default each of several runs in its "
                + "own process, so that each peak working set is its own).",
        };
        var child = new Option<bool>("--child") { Hidden = true };
        var command = new Command("bench",
            "Measure training step time (forward, backward, Adam), log_prob and sampling throughput, peak memory "
            + "and matrix-product speed for the standard configurations. Results on stdout.")
        {
            config, json, steps, warmup, layers, memorySaving, mnist, inProcess, child,
        };
        command.SetAction(parse =>
        {
            var options = new BenchOptions
            {
                Steps = TrainCommand.Positive(parse.GetValue(steps), "--steps"),
                WarmupSteps = parse.GetValue(warmup) >= 0
                    ? parse.GetValue(warmup)
                    : throw new UsageException($"--warmup must be 0 or more; got {parse.GetValue(warmup)}."),
                Layers = TrainCommand.Positive(parse.GetValue(layers), "--layers"),
                MnistPath = parse.GetValue(mnist),
            };
            bool asJson = parse.GetValue(json);
            IReadOnlyList<BenchConfig> configs = BenchConfig.Select(parse.GetValue(config)!);
            if (parse.GetValue(child))
            {
                BenchChildProcess.DieWithParent();
            }

            if (options.MnistPath is string mnistPath && !File.Exists(mnistPath))
            {
                throw new FileNotFoundException($"--mnist '{mnistPath}': no such file.", mnistPath);
            }

            if (!asJson && !parse.GetValue(child))
            {
                context.Output.WriteLine(Header);
            }

            var self = configs.Count > 1 && !parse.GetValue(inProcess) ? BenchChildProcess.SelfCommand() : null;
            int exitCode = ExitCodes.Ok;
            foreach (BenchConfig selected in configs)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                if (self is { } command)
                {
                    string[] arguments = ChildArguments(parse.Tokens.Select(t => t.Value), selected.Name);
                    int code = BenchChildProcess.Run(command, arguments, context);
                    exitCode = code == ExitCodes.Ok ? exitCode : code;
                    continue;
                }

                context.Error.WriteLine($"Measuring {selected.Name}...");
                RunOne(selected, options, parse.GetValue(memorySaving), asJson, context);
            }

            return exitCode;
        });

        return command;
    }

    /// <summary>This command's own arguments with --config replaced by one configuration.</summary>
    internal static string[] ChildArguments(IEnumerable<string> tokens, string config)
    {
        var arguments = new List<string> { "bench", "--config", config, "--child" };
        using IEnumerator<string> token = tokens.GetEnumerator();
        while (token.MoveNext())
        {
            string value = token.Current;
            if (value is "bench" or "--in-process" or "--child")
            {
                continue;
            }

            if (value.StartsWith("--config", StringComparison.Ordinal))
            {
                if (!value.Contains('=', StringComparison.Ordinal))
                {
                    token.MoveNext();
                }

                continue;
            }

            arguments.Add(value);
        }

        return [.. arguments];
    }

    private static void RunOne(
        BenchConfig config, BenchOptions options, bool memorySaving, bool json, CliContext context)
    {
        BenchResult result;
        try
        {
            result = BenchRunner.Run(config, options, memorySaving);
        }
        catch (NotSupportedException error)
        {
            context.Error.WriteLine($"{config.Name}: skipped: {error.Message}");
            return;
        }

        if (result.NonfiniteSteps > 0)
        {
            context.Error.WriteLine(
                $"{config.Name}: warning: {result.NonfiniteSteps} of {result.Steps} measured steps had a non-finite "
                + "loss and skipped their backward pass; their times are not those of full steps.");
        }

        if (json)
        {
            context.Output.WriteLine(result.ToJson());
            return;
        }

        context.Output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{result.Config,-17} {result.Parameters,10:N0} {result.StepMsMedian,8:F2} {result.StepMsP10,8:F2} "
            + $"{result.StepMsP90,8:F2} {result.LogProbRowsPerS,11:N0} {result.SampleRowsPerS,11:N0} "
            + $"{result.PeakWorkingSetMib,9:F0} {result.HeapAfterStepMib,9:F0} {result.GemmGflops,8:F1}  "
            + $"{result.AllocatedBytesPerStep:N0}"));
        if (result.DataNote is not null)
        {
            context.Output.WriteLine($"  note: {result.DataNote}");
        }
    }
}
