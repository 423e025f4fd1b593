using System.Buffers.Binary;
using System.Text.Json;
using CouplingFlows.Cli;

namespace CouplingFlows.Tests.Cli;

public sealed class ImageCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cflow-image-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void TrainHelp_ListsTheImageOptions()
    {
        (int code, string output, _) = CliRunner.Run("train", "--help");

        Assert.Equal(ExitCodes.Ok, code);
        foreach (string text in new[] { "--scales", "--channels", "--blocks", "realnvp-image", "digits-images" })
        {
            Assert.Contains(text, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TrainThenSample_RealNvpImageOnDigitsImages_WritesRunAndPngGrid()
    {
        string run = Path.Combine(_folder, "digits");
        string grid = Path.Combine(_folder, "grid.png");

        (int trainCode, string metricsText, string trainError) = CliRunner.Run(
            "train", "--data", "digits-images", "--model", "realnvp-image", "--channels", "4", "--blocks", "1",
            "--steps", "4", "--batch", "16", "--out", run, "--progress", "none");
        (int sampleCode, string samples, string sampleError) = CliRunner.Run(
            "sample", "--model", run, "-n", "9", "--temperature", "0.7", "--png", grid);

        Assert.True(trainCode == ExitCodes.Ok, trainError);
        using JsonDocument metrics = JsonDocument.Parse(metricsText);
        JsonElement root = metrics.RootElement;
        Assert.Equal("realnvp-image", root.GetProperty("model").GetString());
        Assert.Equal(2, root.GetProperty("scales").GetInt32());
        Assert.InRange(root.GetProperty("test_bits_per_dim").GetDouble(), 0.5, 8.0);
        double validationNll = root.GetProperty("validation_nll_nats").GetDouble();
        Assert.Equal(
            CouplingFlows.Training.Evaluation.BitsPerDimension(validationNll, 64),
            root.GetProperty("validation_bits_per_dim").GetDouble(),
            1e-12);
        Assert.True(root.GetProperty("max_inverse_error").GetDouble() < 1e-3);
        Assert.True(File.Exists(Path.Combine(run, "samples.png")));
        Assert.True(sampleCode == ExitCodes.Ok, sampleError);
        string[] rows = samples.Trim().Split('\n');
        Assert.Equal(9, rows.Length);
        Assert.Equal(64, rows[0].Split(',').Length);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(grid)[..4]);
    }

    [Fact]
    public void Train_RealNvpImageOnIdxFile_UsesItsImageShape()
    {
        string idx = Path.Combine(_folder, "tiny-images-idx3-ubyte");
        WriteIdxImages(idx, count: 24, side: 4);
        string run = Path.Combine(_folder, "idx");

        (int code, string metricsText, string error) = CliRunner.Run(
            "train", "--data", idx, "--model", "realnvp-image", "--channels", "3", "--blocks", "0", "--scales", "2",
            "--steps", "3", "--batch", "8", "--out", run, "--progress", "none");

        Assert.True(code == ExitCodes.Ok, error);
        using JsonDocument metrics = JsonDocument.Parse(metricsText);
        Assert.Equal(16, metrics.RootElement.GetProperty("features").GetInt32());
        Assert.Equal(2, metrics.RootElement.GetProperty("scales").GetInt32());
    }

    [Fact]
    public void Train_RealNvpImageOnPointCloud_IsAUsageError()
    {
        (int code, _, string error) = CliRunner.Run(
            "train", "--data", "moons", "--model", "realnvp-image", "--out", Path.Combine(_folder, "moons"));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("needs image data", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "moons")));
    }

    [Fact]
    public void Train_TooManyScales_IsAUsageErrorAndWritesNothing()
    {
        string run = Path.Combine(_folder, "scales");

        (int code, _, string error) = CliRunner.Run(
            "train", "--data", "digits-images", "--model", "realnvp-image", "--scales", "4", "--out", run);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("scales must lie in [1, 3]", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(run));
    }

    /// <summary>Writes an uncompressed IDX image file of random bytes.</summary>
    private static void WriteIdxImages(string path, int count, int side)
    {
        byte[] bytes = new byte[16 + (count * side * side)];
        BinaryPrimitives.WriteInt32BigEndian(bytes, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(8), side);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(12), side);
        new Random(1).NextBytes(bytes.AsSpan(16));
        File.WriteAllBytes(path, bytes);
    }
}
