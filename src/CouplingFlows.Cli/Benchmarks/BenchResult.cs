using System.Text.Json;
using System.Text.Json.Serialization;

namespace CouplingFlows.Cli.Benchmarks;

/// <summary>The figures measured for one configuration.</summary>
internal sealed record BenchResult
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public required string Config { get; init; }

    public required long Parameters { get; init; }

    public required int Steps { get; init; }

    public required double StepMsMedian { get; init; }

    public required double StepMsP10 { get; init; }

    public required double StepMsP90 { get; init; }

    public required double LogProbRowsPerS { get; init; }

    public required double SampleRowsPerS { get; init; }

    public required double PeakWorkingSetMib { get; init; }

    /// <summary>Managed heap after a training step: weights, optimiser state and retained activations.</summary>
    public required double HeapAfterStepMib { get; init; }

    public required double GemmGflops { get; init; }

    public required double GemmShareOfStep { get; init; }

    public required long AllocatedBytesPerStep { get; init; }

    /// <summary>Measured steps whose loss was not finite (their backward pass is skipped, so their time is
    /// not that of a full step); 0 in every figure we report.</summary>
    public required int NonfiniteSteps { get; init; }

    public required bool MemorySaving { get; init; }

    public required int Layers { get; init; }

    public string? DataNote { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}
