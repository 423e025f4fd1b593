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

        FocusOnTraining(plot, losses, result);
        plot.Title("Negative log-likelihood");
        plot.XLabel("step");
        plot.YLabel($"NLL ({unit})");
        plot.ShowLegend();
        PngFile.Save(plot, path);
    }

    /// <summary>Limits the y-axis to the bulk of the run: a fresh flow can start millions of nats higher,
    /// which would flatten the rest of the curve.</summary>
    private static void FocusOnTraining(Plot plot, List<double> losses, TrainingResult result)
    {
        List<double> values = [.. losses, .. result.ValidationHistory.Select(v => v.Nll).Where(double.IsFinite)];
        if (values.Count < 2)
        {
            return;
        }

        values.Sort();
        double low = values[0];
        double high = values[(int)(0.9 * (values.Count - 1))];
        double margin = Math.Max(1e-6, 0.05 * (high - low));
        plot.Axes.SetLimitsY(low - margin, high + margin);
    }
}
