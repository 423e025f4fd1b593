using CouplingFlows.Cli;

namespace CouplingFlows.Tests.Cli;

/// <summary>A trained two-feature model shared by the tests that evaluate files against it.</summary>
public sealed class TwoFeatureModel : IDisposable
{
    public TwoFeatureModel()
    {
        Folder = Directory.CreateTempSubdirectory("cflow-model-").FullName;
        Run = Path.Combine(Folder, "run");
        (int code, _, string error) = CliRunner.Run(
            "train", "--data", "moons", "--layers", "2", "--hidden", "4", "--steps", "3", "--out", Run,
            "--progress", "none");
        Assert.True(code == ExitCodes.Ok, error);
    }

    public string Folder { get; }

    public string Run { get; }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
