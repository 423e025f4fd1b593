using System.Text.Json;
using CouplingFlows.Cli;

namespace CouplingFlows.Tests.Cli;

public sealed class CliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cflow-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Help_ListsTheVerbs()
    {
        (int code, string output, _) = CliRunner.Run("--help");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("train", output, StringComparison.Ordinal);
        Assert.Contains("sample", output, StringComparison.Ordinal);
        Assert.Contains("evaluate", output, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainHelp_ListsTheOptions()
    {
        (int code, string output, _) = CliRunner.Run("train", "--help");

        Assert.Equal(ExitCodes.Ok, code);
        foreach (string option in new[] { "--data", "--model", "--layers", "--hidden", "--depth", "--steps", "--out" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Train_UnknownModel_IsAUsageError()
    {
        (int code, _, string error) = CliRunner.Run("train", "--data", "moons", "--model", "glow");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("glow", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a,b\n1,2\n3,abc\n", "line 3", "column 2")]
    [InlineData("a,b\n1,2\n3,4,5\n", "line 3", "")]
    [InlineData("a,b\n1,2\nNaN,4\n", "line 3", "column 1")]
    public void Train_BadCsv_NamesFileLineAndColumnAndWritesNothing(string content, string line, string column)
    {
        string csv = Path.Combine(_folder, "bad.csv");
        File.WriteAllText(csv, content);
        string output = Path.Combine(_folder, "run");

        (int code, _, string error) = CliRunner.Run("train", "--data", csv, "--out", output, "--steps", "5");

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("bad.csv", error, StringComparison.Ordinal);
        Assert.Contains(line, error, StringComparison.Ordinal);
        Assert.Contains(column, error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void TrainSampleEvaluate_OnMoons_WriteRunFolderSamplesAndScores()
    {
        string run = Path.Combine(_folder, "moons");

        (int trainCode, string metricsText, string trainError) = CliRunner.Run(
            "train", "--data", "moons", "--model", "realnvp", "--layers", "4", "--hidden", "16", "--steps", "40",
            "--out", run, "--progress", "none");
        (int sampleCode, string samples, _) = CliRunner.Run("sample", "--model", run, "-n", "5", "--seed", "3");
        string rows = Path.Combine(_folder, "rows.csv");
        File.WriteAllText(rows, "x,y\n0.5,0.25\n1.0,-0.4\n");
        (int evaluateCode, string scores, _) = CliRunner.Run("evaluate", "--model", run, "--data", rows);

        Assert.True(trainCode == ExitCodes.Ok, trainError);
        using JsonDocument metrics = JsonDocument.Parse(metricsText);
        Assert.Equal("realnvp", metrics.RootElement.GetProperty("model").GetString());
        Assert.True(metrics.RootElement.GetProperty("max_inverse_error").GetDouble() < 1e-4);
        foreach (string file in new[] { "model.cflow", "metrics.json", "loss.png", "samples.png" })
        {
            Assert.True(File.Exists(Path.Combine(run, file)), file);
        }

        Assert.Equal(ExitCodes.Ok, sampleCode);
        Assert.Equal(5, samples.Trim().Split('\n').Length);
        Assert.Equal(ExitCodes.Ok, evaluateCode);
        Assert.Equal(3, scores.Trim().Split('\n').Length);
    }

    [Fact]
    public void SampleOfADigitsModel_WritesLevelsThatEvaluateScores()
    {
        string run = Path.Combine(_folder, "digits");
        string drawn = Path.Combine(_folder, "drawn.csv");

        (int trainCode, _, string trainError) = CliRunner.Run(
            "train", "--data", "digits", "--model", "realnvp", "--layers", "2", "--hidden", "8", "--steps", "5",
            "--out", run, "--progress", "none");
        (int sampleCode, _, string sampleError) = CliRunner.Run(
            "sample", "--model", run, "-n", "300", "--temperature", "1.5", "--out", drawn);
        (int continuousCode, string continuous, _) = CliRunner.Run(
            "sample", "--model", run, "-n", "300", "--temperature", "1.5", "--continuous");
        (int evaluateCode, _, string evaluateError) = CliRunner.Run("evaluate", "--model", run, "--data", drawn);

        Assert.True(trainCode == ExitCodes.Ok, trainError);
        Assert.True(sampleCode == ExitCodes.Ok, sampleError);
        float[] levels = [.. File.ReadAllLines(drawn).SelectMany(line => line.Split(','))
            .Select(cell => float.Parse(cell, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(300 * 64, levels.Length);
        Assert.All(levels, v => Assert.True(v == MathF.Floor(v) && v is >= 0f and <= 16f, $"{v}"));
        Assert.Equal(ExitCodes.Ok, continuousCode);
        Assert.Contains(
            continuous.Split('\n', ',').Select(cell => cell.Trim()),
            cell => cell.Contains('.', StringComparison.Ordinal));
        Assert.True(evaluateCode == ExitCodes.Ok, evaluateError);
    }

    [Fact]
    public void Train_ExistingOutFolderWithoutForce_IsRefused()
    {
        string run = Path.Combine(_folder, "taken");
        Directory.CreateDirectory(run);
        File.WriteAllText(Path.Combine(run, "keep.txt"), "mine");

        (int code, _, string error) = CliRunner.Run("train", "--data", "moons", "--out", run, "--steps", "2");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(run, "keep.txt")));
    }

    [Fact]
    public void Evaluate_DamagedModel_IsBadInput()
    {
        string model = Path.Combine(_folder, "broken.cflow");
        File.WriteAllBytes(model, [1, 2, 3]);
        string rows = Path.Combine(_folder, "rows.csv");
        File.WriteAllText(rows, "1,2\n");

        (int code, _, string error) = CliRunner.Run("evaluate", "--model", model, "--data", rows);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("broken.cflow", error, StringComparison.Ordinal);
    }
}
