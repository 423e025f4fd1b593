using CouplingFlows.Data;
using CouplingFlows.Numerics;

namespace CouplingFlows.Cli.Benchmarks;

/// <summary>The rows a configuration is measured on, and whether they are discrete pixels.</summary>
internal sealed record BenchData(Tensor Rows, int? Levels, string? Note)
{
    public const string MnistFileName = "mnist-10k-images-idx3-ubyte.gz";

    public static BenchData Load(string name, BenchOptions options) => name switch
    {
        "digits" => new BenchData(BundledDataSets.Digits().Features, 17, null),
        "moons" => new BenchData(ToyDataSets.Generate("moons", 20_000, new RandomSource(options.Seed)), null, null),
        "mnist" => LoadMnist(options),
        _ => throw new UsageException($"Unknown benchmark data '{name}'."),
    };

    private static BenchData LoadMnist(BenchOptions options)
    {
        string? path = options.MnistPath ?? FindShared();
        if (path is not null && File.Exists(path))
        {
            return new BenchData(IdxReader.ReadImages(path), 256, null);
        }

        if (options.MnistPath is not null)
        {
            throw new FileNotFoundException($"--mnist '{options.MnistPath}': no such file.", options.MnistPath);
        }

        // Timing does not depend on pixel values; say plainly that these are not real digits.
        var random = new RandomSource(options.Seed);
        var rows = new Tensor(10_000, 784);
        for (int i = 0; i < rows.Length; i++)
        {
            rows.Data[i] = random.NextInt(256);
        }

        return new BenchData(rows, 256, $"synthetic pixels: {MnistFileName} not found (pass --mnist PATH)");
    }

    private static string? FindShared()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
            {
                string candidate = Path.Combine(folder.FullName, "shared", "data", MnistFileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}
