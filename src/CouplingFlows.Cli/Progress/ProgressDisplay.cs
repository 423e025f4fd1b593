using CouplingFlows.Training;
using Spectre.Console;

namespace CouplingFlows.Cli.Progress;

/// <summary>Runs a training job while showing its progress in the chosen mode.</summary>
internal static class ProgressDisplay
{
    /// <summary>Parses the --progress value.</summary>
    public static ProgressMode Parse(string value) => value.ToLowerInvariant() switch
    {
        "auto" => ProgressMode.Auto,
        "bar" => ProgressMode.Bar,
        "lines" => ProgressMode.Lines,
        "none" => ProgressMode.None,
        _ => throw new UsageException($"--progress '{value}' is not accepted; use auto, bar, lines or none."),
    };

    /// <summary>Runs the work, handing it a progress sink that renders as asked.</summary>
    public static T Run<T>(ProgressMode mode, CliContext context, Func<IProgress<TrainingProgress>?, T> work)
    {
        ProgressMode resolved = mode == ProgressMode.Auto
            ? (context.Interactive ? ProgressMode.Bar : ProgressMode.Lines)
            : mode;
        switch (resolved)
        {
            case ProgressMode.None:
                return work(null);
            case ProgressMode.Lines:
                return work(new LineProgress(context.Error));
            default:
                return RunWithBar(context, work);
        }
    }

    private static T RunWithBar<T>(CliContext context, Func<IProgress<TrainingProgress>?, T> work)
    {
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Error),
        });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(
                new TaskDescriptionColumn(),
                new ProgressBarColumn(),
                new PercentageColumn(),
                new ElapsedTimeColumn(),
                new RemainingTimeColumn())
            .Start(progressContext =>
            {
                ProgressTask task = progressContext.AddTask("training", maxValue: 1);
                var sink = new BarProgress(task);
                result = work(sink);
                task.Value = task.MaxValue;
            });

        return result;
    }

    private sealed class BarProgress(ProgressTask task) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            task.MaxValue = value.TotalSteps;
            task.Value = value.Step;
            string validation = value.ValidationNll is double v ? $" val {v:F3}" : string.Empty;
            task.Description = $"train {value.TrainNll:F3}{validation}";
        }
    }
}
