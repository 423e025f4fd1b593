using CouplingFlows.Numerics;
using ScottPlot;

namespace CouplingFlows.Cli.Plots;

/// <summary>Samples of a 2-D flow drawn over the data (first two columns).</summary>
internal static class ScatterPlot
{
    private const int MaxPoints = 5000;

    public static void Save(Tensor samples, Tensor? data, string path, string title)
    {
        var plot = new Plot();
        if (data is not null)
        {
            AddPoints(plot, data, "data", Colors.Gray.WithAlpha(0.35));
        }

        AddPoints(plot, samples, "samples", Colors.C1.WithAlpha(0.6));
        plot.Title(title);
        plot.ShowLegend();
        plot.Axes.SquareUnits();
        PngFile.Save(plot, path, 700, 700);
    }

    private static void AddPoints(Plot plot, Tensor values, string label, Color color)
    {
        int count = Math.Min(values.Rows, MaxPoints);
        double[] xs = new double[count];
        double[] ys = new double[count];
        for (int i = 0; i < count; i++)
        {
            xs[i] = values[i, 0];
            ys[i] = values.RowLength > 1 ? values[i, 1] : 0;
        }

        var points = plot.Add.ScatterPoints(xs, ys);
        points.MarkerSize = 2;
        points.Color = color;
        points.LegendText = label;
    }
}
