using System.Text.Json;
using CouplingFlows.Cli;

namespace CouplingFlows.Tests.Cli;

public sealed class BenchCommandTests
{
    private static readonly string[] RequiredKeys =
    [
        "config", "step_ms_median", "step_ms_p10", "step_ms_p90", "log_prob_rows_per_s", "sample_rows_per_s",
        "peak_working_set_mib", "parameters", "gemm_gflops", "allocated_bytes_per_step",
    ];

    [Fact]
    public void Bench_Json_PrintsOneObjectWithEveryKey()
    {
        (int code, string output, string error) = CliRunner.Run(
            "bench", "--config", "nice-moons", "--steps", "3", "--warmup", "1", "--layers", "2", "--json");

        Assert.True(code == ExitCodes.Ok, error);
        string[] lines = output.Trim().Split('\n');
        Assert.Single(lines);
        using JsonDocument result = JsonDocument.Parse(lines[0]);
        foreach (string key in RequiredKeys)
        {
            Assert.True(result.RootElement.TryGetProperty(key, out _), $"missing {key}");
        }

        Assert.Equal("nice-moons", result.RootElement.GetProperty("config").GetString());
        Assert.True(result.RootElement.GetProperty("step_ms_median").GetDouble() > 0);
    }

    [Theory]
    [InlineData("bench --config all --steps 20 --json")]
    [InlineData("bench --steps 20 --config=all --json --in-process")]
    public void ChildArguments_ReplaceTheConfigAndKeepEveryOtherOption(string line)
    {
        string[] tokens = line.Split(' ');

        string[] arguments = CouplingFlows.Cli.Commands.BenchCommand.ChildArguments(tokens, "nsf-moons");

        Assert.Equal(["bench", "--config", "nsf-moons", "--child", "--steps", "20", "--json"], arguments);
    }

    [Fact]
    public void Bench_UnknownConfig_ListsTheAcceptedNames()
    {
        (int code, _, string error) = CliRunner.Run("bench", "--config", "glow-cifar");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("realnvp-digits", error, StringComparison.Ordinal);
    }
}
