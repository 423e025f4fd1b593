using CouplingFlows.Training;
using ScottPlot;

namespace CouplingFlows.Cli.Plots;

/// <summary>The training loss per step (smoothed) and the validation NLL per pass.</summary>
internal static class LossPlot
{
    public static void Save(TrainingResult result, string path, string unit)
    {
        var plot = new Plot();
        var steps = new List<double>();
        var losses = new List<double>();
        double smoothed = double.NaN;
        for (int i = 0; i < result.TrainLoss.Count; i++)
        {
            float loss = result.TrainLoss[i];
            if (!float.IsFinite(loss))
            {
                continue;
            }

            smoothed = double.IsNaN(smoothed) ? loss : (0.95 * smoothed) + (0.05 * loss);
            steps.Add(i + 1);
            losses.Add(smoothed);
        }

        var train = plot.Add.ScatterLine(steps.ToArray(), losses.ToArray());
        train.LegendText = "train (smoothed)";
        if (result.ValidationHistory.Count > 0)
        {
            var validation = plot.Add.Scatter(
                result.ValidationHistory.Select(v => (double)v.Step).ToArray(),
                result.ValidationHistory.Select(v => v.Nll).ToArray());
            validation.LegendText = "validation";
        }

        FocusOnTraining(plot, steps, losses, result);
        plot.Title("Negative log-likelihood");
        plot.XLabel("step");
        plot.YLabel($"NLL ({unit})");
        plot.ShowLegend(Alignment.UpperRight);
        PngFile.Save(plot, path);
    }

    /// <summary>Limits the y-axis to the run after its first tenth of steps: a fresh flow can start millions
    /// of nats higher, which would flatten the rest of the curve. Every later value, the final ones included,
    /// stays inside the limits.</summary>
    private static void FocusOnTraining(Plot plot, List<double> steps, List<double> losses, TrainingResult result)
    {
        double start = 0.1 * result.StepsCompleted;
        List<double> values = [.. losses.Where((_, i) => steps[i] >= start)];
        values.AddRange(result.ValidationHistory.Where(v => v.Step >= start && double.IsFinite(v.Nll))
            .Select(v => v.Nll));
        if (values.Count < 2)
        {
            return;
        }

        double low = values.Min();
        double high = values.Max();
        double margin = Math.Max(1e-6, 0.05 * (high - low));
        plot.Axes.SetLimitsY(low - margin, high + margin);
    }
}
