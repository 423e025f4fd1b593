using System.Globalization;
using CouplingFlows.Training;

namespace CouplingFlows.Cli.Progress;

/// <summary>Formats a progress report as one key=value line.</summary>
internal static class ProgressLine
{
    /// <summary>"epoch=3 step=1200/3000 train_nll=1.234 val_nll=1.301 lr=1e-3 elapsed=00:01:12".</summary>
    public static string Format(TrainingProgress report)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string validation = report.ValidationNll is double v ? v.ToString("F4", invariant) : "-";
        return string.Create(
            invariant,
            $"epoch={report.Epoch} step={report.Step}/{report.TotalSteps} train_nll={report.TrainNll:F4} "
            + $"val_nll={validation} lr={report.LearningRate:G3} elapsed={report.Elapsed:hh\\:mm\\:ss}");
    }
}
