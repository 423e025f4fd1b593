namespace CouplingFlows.Cli.Running;

/// <summary>The files of a training run folder.</summary>
internal sealed class RunFolder
{
    public const string ModelFileName = "model.cflow";

    public const string CheckpointFileName = "checkpoint.cflowck";

    private RunFolder(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public string Model => System.IO.Path.Combine(Path, ModelFileName);

    public string Checkpoint => System.IO.Path.Combine(Path, CheckpointFileName);

    public string Metrics => System.IO.Path.Combine(Path, "metrics.json");

    public string LossPlot => System.IO.Path.Combine(Path, "loss.png");

    public string Samples => System.IO.Path.Combine(Path, "samples.png");

    /// <summary>Chooses the folder of a new run without creating it: an explicit folder that already holds
    /// files is refused unless forced, a default one gets a numbered sibling.</summary>
    public static RunFolder Plan(string? requested, string defaultName, bool force)
    {
        if (requested is null)
        {
            string path = System.IO.Path.Combine("runs", defaultName);
            for (int n = 2; Directory.Exists(path) && Directory.EnumerateFileSystemEntries(path).Any(); n++)
            {
                path = System.IO.Path.Combine("runs", $"{defaultName}-{n}");
            }

            return new RunFolder(path);
        }

        if (File.Exists(requested))
        {
            throw new UsageException($"--out '{requested}' is a file, not a folder.");
        }

        if (Directory.Exists(requested) && Directory.EnumerateFileSystemEntries(requested).Any() && !force)
        {
            throw new UsageException(
                $"--out '{requested}' already holds files; pass --force to overwrite that run, or choose another "
                + "folder (to continue an interrupted run, use --resume).");
        }

        return new RunFolder(requested);
    }

    /// <summary>The folder of an earlier run, for --resume.</summary>
    public static RunFolder Existing(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new UsageException($"--resume '{path}' is not a folder; pass the run folder of the run to continue.");
        }

        var folder = new RunFolder(path);
        if (!File.Exists(folder.Checkpoint))
        {
            throw new FileNotFoundException(
                $"--resume '{path}' holds no {CheckpointFileName}, so there is no run to continue there.",
                folder.Checkpoint);
        }

        return folder;
    }

    /// <summary>Creates the folder; a forced run first removes the old run's files (model, metrics, plots,
    /// checkpoint) so that the folder never mixes two runs and a later --resume can never continue the run it
    /// replaced. Other files in the folder are left alone.</summary>
    public void Create()
    {
        Directory.CreateDirectory(Path);
        foreach (string file in new[] { Model, Metrics, LossPlot, Samples, Checkpoint })
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }
    }
}
