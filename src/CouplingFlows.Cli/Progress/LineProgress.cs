using CouplingFlows.Training;

namespace CouplingFlows.Cli.Progress;

/// <summary>Writes a progress line at every 10 % of the steps and at least every 30 seconds.</summary>
internal sealed class LineProgress(TextWriter writer) : IProgress<TrainingProgress>
{
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);
    private int _lastDecile = -1;
    private TimeSpan _lastWrite = TimeSpan.Zero;

    public void Report(TrainingProgress value)
    {
        int decile = value.TotalSteps == 0 ? 10 : value.Step * 10 / value.TotalSteps;
        if (decile == _lastDecile && value.Elapsed - _lastWrite < Heartbeat)
        {
            return;
        }

        _lastDecile = decile;
        _lastWrite = value.Elapsed;
        writer.WriteLine(ProgressLine.Format(value));
        writer.Flush();
    }
}
