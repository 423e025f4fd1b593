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

        plot.Title("Negative log-likelihood");
        plot.XLabel("step");
        plot.YLabel($"NLL ({unit})");
        plot.ShowLegend();
        PngFile.Save(plot, path);
    }
}
