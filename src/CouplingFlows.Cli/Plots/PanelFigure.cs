using CouplingFlows.Serialization;
using ScottPlot;
using SkiaSharp;

namespace CouplingFlows.Cli.Plots;

/// <summary>Renders several plots side by side, in a grid, into one PNG.</summary>
internal static class PanelFigure
{
    public static void Save(IReadOnlyList<Plot> panels, int columns, int panelWidth, int panelHeight, string path)
    {
        int rows = (panels.Count + columns - 1) / columns;
        var info = new SKImageInfo(columns * panelWidth, Math.Max(1, rows) * panelHeight);
        using var surface = SKSurface.Create(info);
        surface.Canvas.Clear(SKColors.White);
        for (int p = 0; p < panels.Count; p++)
        {
            // Each panel is rendered on its own: a plot clears the whole canvas it is given.
            byte[] panel = panels[p].GetImageBytes(panelWidth, panelHeight, ImageFormat.Png);
            using var bitmap = SKBitmap.Decode(panel);
            surface.Canvas.DrawBitmap(bitmap, (p % columns) * panelWidth, (p / columns) * panelHeight);
        }

        using SKImage image = surface.Snapshot();
        using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
        byte[] bytes = png.ToArray();
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
