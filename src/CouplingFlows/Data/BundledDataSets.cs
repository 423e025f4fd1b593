using System.IO.Compression;

namespace CouplingFlows.Data;

/// <summary>Data sets shipped inside the library, available without any download.</summary>
public static class BundledDataSets
{
    /// <summary>The number of images in <see cref="Digits"/>.</summary>
    public const int DigitsCount = 1797;

    /// <summary>The height and width, in pixels, of one <see cref="Digits"/> image.</summary>
    public const int DigitsImageSize = 8;

    private const string DigitsResource = "CouplingFlows.Data.Resources.digits.csv.gz";

    /// <summary>The scikit-learn handwritten digits: 1797 images of 8 × 8 pixels with values 0..16.</summary>
    /// <returns>Features of shape (1797, 64), pixels in row-major order as float32 integers in
    /// [0, 16], and the digit 0..9 of each image. Each call returns a fresh copy.</returns>
    /// <remarks>
    /// <para>The UCI Optical Recognition of Handwritten Digits test set by E. Alpaydin and C.
    /// Kaynak, licensed CC BY 4.0, from scikit-learn's copy; see
    /// Data/Resources/DIGITS-LICENSE.md.</para>
    /// <para>For image flows view the features as (1797, 1, 8, 8) with
    /// <c>Features.Reshape(1797, 1, 8, 8)</c>. Some pixels are 0 in every image (for example the
    /// first), so these columns have zero variance.</para>
    /// </remarks>
    public static LabeledData Digits()
    {
        using Stream resource = typeof(BundledDataSets).Assembly.GetManifestResourceStream(DigitsResource)
            ?? throw new InvalidOperationException($"The library is missing its embedded resource {DigitsResource}.");
        using var gzip = new GZipStream(resource, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var options = new CsvReadOptions { Delimiter = ',', HasHeader = false, LabelColumn = -1 };

        CsvTable table = CsvReader.Read(reader, "digits.csv.gz (bundled)", options);
        float[] rawLabels = table.Labels ?? [];
        int[] labels = Array.ConvertAll(rawLabels, label => (int)label);

        return new LabeledData(table.Values, labels);
    }
}
