using CouplingFlows.Cli.Running;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Cli.Plots;

/// <summary>The samples.png of a run: an image grid for image data, a scatter over the data otherwise.</summary>
internal static class SampleFigure
{
    public static void Save(Flow flow, DataSet data, string path, long seed)
    {
        var random = new RandomSource(seed + 303);
        if (data.ImageShape is int[] shape && data.Levels is int levels)
        {
            Tensor samples = flow.Sample(64, random, temperature: 1f);
            ImageGrid.Save(samples, shape, levels, path);
            return;
        }

        Tensor drawn = flow.Sample(Math.Min(5000, Math.Max(1000, data.Test.Rows)), random);
        ScatterPlot.Save(drawn, data.Test, path, $"{data.Name}: samples over test data");
    }
}
