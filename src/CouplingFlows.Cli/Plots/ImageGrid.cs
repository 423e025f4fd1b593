using CouplingFlows.Numerics;
using CouplingFlows.Serialization;
using SkiaSharp;

namespace CouplingFlows.Cli.Plots;

/// <summary>Draws rows of image data as a grid of grey-scale tiles in a PNG.</summary>
internal static class ImageGrid
{
    /// <summary>Writes the grid.</summary>
    /// <param name="images">(N, C·H·W) rows; the first channel is drawn.</param>
    /// <param name="shape">(C, H, W).</param>
    /// <param name="maxValue">The value drawn white (values are clamped to [0, maxValue]).</param>
    /// <param name="path">The PNG file.</param>
    public static void Save(Tensor images, int[] shape, float maxValue, string path)
    {
        int height = shape[1];
        int width = shape[2];
        int count = Math.Min(images.Rows, 100);
        int columns = (int)Math.Ceiling(Math.Sqrt(count));
        int rows = (int)Math.Ceiling(count / (double)columns);
        int scale = Math.Max(1, 96 / Math.Max(height, width));
        int tileW = (width * scale) + 2;
        int tileH = (height * scale) + 2;
        using var bitmap = new SKBitmap(columns * tileW, Math.Max(1, rows) * tileH);
        bitmap.Erase(new SKColor(40, 40, 40));
        for (int n = 0; n < count; n++)
        {
            Span<float> row = images.Row(n);
            int left = ((n % columns) * tileW) + 1;
            int top = ((n / columns) * tileH) + 1;
            for (int y = 0; y < height * scale; y++)
            {
                for (int x = 0; x < width * scale; x++)
                {
                    float value = row[((y / scale) * width) + (x / scale)];
                    byte grey = (byte)Math.Clamp(value / maxValue * 255f, 0f, 255f);
                    bitmap.SetPixel(left + x, top + y, new SKColor(grey, grey, grey));
                }
            }
        }

        using SKData png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        byte[] bytes = png.ToArray();
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }
}
