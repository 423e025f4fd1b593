using System.Text.Json;
using CouplingFlows.Cli;

namespace CouplingFlows.Tests.Cli;

public sealed class CheckCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("cflow-check-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData("nsf")]
    [InlineData("nice")]
    public void Check_EveryModelKind_Passes(string model)
    {
        string run = Train("moons", model);

        (int code, string table, string error) = CliRunner.Run("check", "--model", run, "--rows", "4");

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("stack", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_FreshlyTrainedModel_PassesAndWritesItsTable()
    {
        string run = Train("moons", "realnvp");
        string output = Path.Combine(_folder, "audit");

        (int code, string table, string error) = CliRunner.Run("check", "--model", run, "--rows", "6", "--out", output);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("stack", table, StringComparison.Ordinal);
        Assert.Contains("coupling3", table, StringComparison.Ordinal);
        Assert.Contains("Check passed", error, StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "check.json")));
        Assert.True(json.RootElement.GetProperty("summary").GetProperty("passed").GetBoolean());
        Assert.Equal(5, json.RootElement.GetProperty("rows").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(output, "check.csv")));
    }

    [Fact]
    public void Check_DiscreteModelOnDataRows_Passes()
    {
        string run = Train("digits", "nice");
        string rows = Path.Combine(_folder, "digits.csv");
        File.WriteAllText(rows, string.Join(',', Enumerable.Range(0, 64).Select(i => (i * 7) % 17)) + "\n"
            + string.Join(',', Enumerable.Range(0, 64).Select(i => i % 3 == 0 ? 16 : 0)) + "\n");

        (int code, string table, string error) = CliRunner.Run("check", "--model", run, "--data", rows);

        Assert.True(code == ExitCodes.Ok, error);
        Assert.Contains("Logit", table, StringComparison.Ordinal);
        Assert.Contains("2 rows of", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_ToleranceBelowFloat32Precision_FailsWithExitCodeThree()
    {
        string run = Train("moons", "realnvp");

        (int code, string table, string error) = CliRunner.Run(
            "check", "--model", run, "--rows", "4", "--tolerance", "1e-12");

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Contains("check failed", error, StringComparison.Ordinal);
        Assert.Contains("passed: false", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_DataWithWrongWidth_IsBadInput()
    {
        string run = Train("moons", "realnvp");
        string rows = Path.Combine(_folder, "three.csv");
        File.WriteAllText(rows, "1,2,3\n");

        (int code, _, string error) = CliRunner.Run("check", "--model", run, "--data", rows);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("3 columns", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_NegativeTolerance_IsAUsageError()
    {
        string run = Train("moons", "realnvp");

        (int code, _, string error) = CliRunner.Run("check", "--model", run, "--tolerance", "-1");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--tolerance", error, StringComparison.Ordinal);
    }

    private string Train(string data, string model)
    {
        string run = Path.Combine(_folder, $"{data}-{model}");
        if (Directory.Exists(run))
        {
            return run;
        }

        (int code, _, string error) = CliRunner.Run(
            "train", "--data", data, "--model", model, "--layers", "4", "--hidden", "16", "--steps", "30",
            "--out", run, "--progress", "none");
        Assert.True(code == ExitCodes.Ok, error);
        return run;
    }
}
