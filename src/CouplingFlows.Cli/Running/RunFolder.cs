namespace CouplingFlows.Cli.Running;

/// <summary>The files of a training run folder.</summary>
internal sealed class RunFolder
{
    public const string ModelFileName = "model.cflow";

    private RunFolder(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public string Model => System.IO.Path.Combine(Path, ModelFileName);

    public string Metrics => System.IO.Path.Combine(Path, "metrics.json");

    public string LossPlot => System.IO.Path.Combine(Path, "loss.png");

    public string Samples => System.IO.Path.Combine(Path, "samples.png");

    /// <summary>Creates the folder; an explicit folder that already holds files is refused unless forced,
    /// a default one gets a numbered sibling.</summary>
    public static RunFolder Create(string? requested, string defaultName, bool force)
    {
        string path;
        if (requested is not null)
        {
            path = requested;
            if (Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any() && !force)
            {
                throw new UsageException(
                    $"--out '{path}' already holds files; pass --force to overwrite that run, "
                    + "or choose another folder.");
            }

            if (File.Exists(path))
            {
                throw new UsageException($"--out '{path}' is a file, not a folder.");
            }
        }
        else
        {
            path = System.IO.Path.Combine("runs", defaultName);
            for (int n = 2; Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any(); n++)
            {
                path = System.IO.Path.Combine("runs", $"{defaultName}-{n}");
            }
        }

        Directory.CreateDirectory(path);
        return new RunFolder(path);
    }
}
