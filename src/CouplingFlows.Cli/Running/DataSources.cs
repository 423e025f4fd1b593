using CouplingFlows.Data;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Cli.Running;

/// <summary>Resolves the --data argument: a bundled set, a generated toy set, or a file.</summary>
internal static class DataSources
{
    /// <summary>Rows generated for a toy set's training split (as in the reference runs).</summary>
    public const int ToyTrainRows = 20_000;

    /// <summary>Rows generated for a toy set's test split.</summary>
    public const int ToyTestRows = 5_000;

    /// <summary>The fraction of a file's or bundled set's rows held out for testing.</summary>
    public const double TestFraction = 0.2;

    /// <summary>The fewest rows a file may hold: the test split takes round(0.2 N), which is 0 below 3.</summary>
    public const int MinimumRows = 3;

    /// <summary>The names accepted besides file paths.</summary>
    public static IReadOnlyList<string> BundledNames => ["digits", DigitsImages, .. ToyDataSets.Names];

    /// <summary>The bundled digits as 1x8x8 images with 17 levels, the data of image flows.</summary>
    public const string DigitsImages = "digits-images";

    /// <summary>Loads and splits the data.</summary>
    /// <param name="data">A bundled name or a path (.csv, .csv.gz, .npy, IDX).</param>
    /// <param name="seed">Seeds the split and the toy generator.</param>
    /// <returns>The data set.</returns>
    public static DataSet Load(string data, long seed)
    {
        ArgumentException.ThrowIfNullOrEmpty(data);
        if (string.Equals(data, "digits", StringComparison.OrdinalIgnoreCase)
            || string.Equals(data, DigitsImages, StringComparison.OrdinalIgnoreCase))
        {
            // Both names give the same split of the same rows; the image shape is 1x8x8 either way.
            LabeledData digits = BundledDataSets.Digits();
            int size = BundledDataSets.DigitsImageSize;
            return Split(data.ToLowerInvariant(), digits.Features, seed, 17, PreprocessingKind.DequantizeLogit,
                [1, size, size], null);
        }

        if (ToyDataSets.Names.Contains(data, StringComparer.OrdinalIgnoreCase))
        {
            string name = data.ToLowerInvariant();
            Tensor train = ToyDataSets.Generate(name, ToyTrainRows, new RandomSource(seed));
            Tensor test = ToyDataSets.Generate(name, ToyTestRows, new RandomSource(seed + 1));
            return new DataSet(name, train, test, null, PreprocessingKind.None, null, ["x", "y"]);
        }

        return LoadFile(data, seed);
    }

    /// <summary>The --data value to store for a later --resume: a bundled name as is, a file by its full path,
    /// so the run can be continued from any working folder.</summary>
    public static string StoredName(string data) =>
        BundledNames.Contains(data, StringComparer.OrdinalIgnoreCase) ? data : Path.GetFullPath(data);

    /// <summary>A value with a folder or a data-file extension is a missing file, not an unknown name.</summary>
    private static bool LooksLikePath(string value)
    {
        string lower = value.ToLowerInvariant();
        return value.Contains('/', StringComparison.Ordinal)
            || value.Contains('\\', StringComparison.Ordinal)
            || lower.EndsWith(".csv", StringComparison.Ordinal)
            || lower.EndsWith(".gz", StringComparison.Ordinal)
            || lower.EndsWith(".npy", StringComparison.Ordinal)
            || lower.Contains("ubyte", StringComparison.Ordinal);
    }

    private static DataSet LoadFile(string path, long seed)
    {
        if (!File.Exists(path) && LooksLikePath(path))
        {
            throw new FileNotFoundException($"--data '{path}': no such file.", path);
        }

        if (!File.Exists(path))
        {
            throw new UsageException(
                $"--data '{path}' is neither a file nor a bundled data set; accepted names: "
                + $"{string.Join(", ", BundledNames)}, or a .csv, .csv.gz, .npy or IDX file.");
        }

        string name = Path.GetFileName(path);
        string lower = name.ToLowerInvariant();
        if (lower.EndsWith(".npy", StringComparison.Ordinal))
        {
            Tensor values = NpyReader.Read(path);
            return Split(name, values.Reshape(values.Rows, values.RowLength), seed, null,
                PreprocessingKind.Standardize, null, null);
        }

        if (lower.Contains("idx3", StringComparison.Ordinal) || lower.Contains("ubyte", StringComparison.Ordinal))
        {
            Tensor stored = IdxReader.Read(path);
            Tensor images = stored.Reshape(stored.Rows, stored.RowLength);
            int[]? shape = stored.Rank == 3 ? [1, stored.Shape[1], stored.Shape[2]] : null;
            return Split(name, images, seed, 256, PreprocessingKind.DequantizeLogit, shape, null);
        }

        CsvTable table = CsvReader.Read(path);
        return Split(name, table.Values, seed, null, PreprocessingKind.Standardize, null, table.Header);
    }

    private static DataSet Split(
        string name,
        Tensor values,
        long seed,
        int? levels,
        PreprocessingKind preprocessing,
        int[]? imageShape,
        IReadOnlyList<string>? columns)
    {
        DataSplit? split = values.Rows < MinimumRows ? null : DataSplit.Split(values.Rows, TestFraction, 0.0, seed);
        if (split is null || split.Test.Length == 0 || split.Train.Length < 2)
        {
            throw new InvalidDataException(
                $"{name} has {values.Rows} data row(s); training needs at least {MinimumRows} (two to learn from, "
                + "one to test).");
        }

        return new DataSet(
            name, TensorRows.Take(values, split.Train), TensorRows.Take(values, split.Test),
            levels, preprocessing, imageShape, columns);
    }
}
