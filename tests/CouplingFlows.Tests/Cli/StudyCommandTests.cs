using System.Text.Json;
using CouplingFlows.Cli;

namespace CouplingFlows.Tests.Cli;

/// <summary>Smoke tests of every study with tiny settings: exit code, table on stdout, the three files.</summary>
public sealed class StudyCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cflow-study-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string[], string> Studies() => new()
    {
        { "logdet-cost", ["--dims", "2,4,8", "--layers", "1", "--hidden", "4", "--rows", "4", "--repeats", "1"],
            "brute_force_slope" },
        { "init", ["--features", "4", "--depths", "1,2,4", "--hidden", "8", "--rows", "20"], "zero-last" },
        { "receptive-field", ["--shape", "4", "--layers", "1..3", "--points", "2"], "half-split_layers_to_dense: 3" },
        { "volume", ["--data", "moons", "--layers", "2", "--hidden", "8", "--steps", "5"],
            "nice_learned_log_abs_det_std: 0" },
        { "budget", ["--data", "moons", "--params", "2000", "--layers", "2,4", "--depths", "1", "--steps", "5"],
            "largest_deviation" },
    };

    [Theory]
    [MemberData(nameof(Studies))]
    public void Study_TinySettings_PrintsTheTableAndWritesCsvJsonAndPng(string name, string[] options, string expected)
    {
        string output = Path.Combine(_folder, name);

        (int code, string table, string error) = CliRunner.Run(["study", name, .. options, "--out", output]);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains(expected, table, StringComparison.Ordinal);
        Assert.DoesNotContain("Wrote", table, StringComparison.Ordinal);
        Assert.Contains("Wrote", error, StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, name + ".json")));
        Assert.Equal(name, json.RootElement.GetProperty("study").GetString());
        Assert.True(json.RootElement.GetProperty("rows").GetArrayLength() > 0);
        string[] csv = File.ReadAllLines(Path.Combine(output, name + ".csv"));
        Assert.Equal(json.RootElement.GetProperty("rows").GetArrayLength() + 1, csv.Length);
        byte[] png = File.ReadAllBytes(Path.Combine(output, name + ".png"));
        Assert.True(png.Length > 1000 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G');
    }

    [Fact]
    public void ReceptiveField_ImageMasks_GrowToTheWholeImage()
    {
        (int code, string output, string error) = CliRunner.Run(
            "study", "receptive-field", "--shape", "1x8x8", "--masks", "checkerboard,channel", "--layers", "1..4",
            "--points", "2", "--out", Path.Combine(_folder, "image"));

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("checkerboard_layers_to_dense: 4", output, StringComparison.Ordinal);
        Assert.Contains("channel_layers_to_dense: 3", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_folder, "image", "receptive-field.png")));
    }

    [Fact]
    public void ReceptiveField_ImageMasksOnATabularShape_IsAUsageError()
    {
        (int code, _, string error) = CliRunner.Run(
            "study", "receptive-field", "--shape", "8", "--masks", "checkerboard", "--out", Path.Combine(_folder, "x"));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("CxHxW", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_folder, "x")));
    }

    [Theory]
    [InlineData("logdet-cost", "--dims", "8..2")]
    [InlineData("init", "--depths", "0,1")]
    [InlineData("receptive-field", "--masks", "diagonal")]
    [InlineData("budget", "--params", "0")]
    public void Study_BadOption_IsAUsageErrorNamingIt(string name, string option, string value)
    {
        (int code, _, string error) = CliRunner.Run(
            "study", name, option, value, "--out", Path.Combine(_folder, "bad"));

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains(option, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Budget_UnreachableBudget_ReportsTheCellUntrained()
    {
        string output = Path.Combine(_folder, "small");

        (int code, string table, string error) = CliRunner.Run(
            "study", "budget", "--data", "moons", "--params", "50", "--layers", "8", "--depths", "3", "--steps", "2",
            "--out", output);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("not trained", table, StringComparison.Ordinal);
        Assert.Contains("misses the budget", error, StringComparison.Ordinal);
    }
}
