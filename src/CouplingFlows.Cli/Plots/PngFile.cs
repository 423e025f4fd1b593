using CouplingFlows.Serialization;
using ScottPlot;

namespace CouplingFlows.Cli.Plots;

/// <summary>Writes plots as PNG files, atomically.</summary>
internal static class PngFile
{
    public const int Width = 800;
    public const int Height = 600;

    public static void Save(Plot plot, string path, int width = Width, int height = Height)
    {
        byte[] bytes = plot.GetImageBytes(width, height, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
