using System.Text.Json;
using System.Text.Json.Serialization;

namespace CouplingFlows.Cli.Running;

/// <summary>The metrics.json of a run; NLLs are mean nats per sample, bits per dimension where discrete.</summary>
internal sealed record RunMetrics
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,

        // A diverged run still gets a complete metrics file: NaN and Infinity are written as strings.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required string Model { get; init; }

    public required string Data { get; init; }

    public required int Features { get; init; }

    public required long Parameters { get; init; }

    public required int Steps { get; init; }

    public required int Layers { get; init; }

    public required int Hidden { get; init; }

    public required int Depth { get; init; }

    public required int Batch { get; init; }

    public required double LearningRate { get; init; }

    public required long Seed { get; init; }

    public required int TrainRows { get; init; }

    public required int ValidationRows { get; init; }

    public required int TestRows { get; init; }

    public required double TrainSeconds { get; init; }

    public required double TrainNllNats { get; init; }

    public double? ValidationNllNats { get; init; }

    public required double TestNllNats { get; init; }

    public double? TrainBitsPerDim { get; init; }

    public double? ValidationBitsPerDim { get; init; }

    public double? TestBitsPerDim { get; init; }

    public required double MaxInverseError { get; init; }

    public required int BestStep { get; init; }

    public required string StopReason { get; init; }

    public int? Scales { get; init; }

    public int? ConvChannels { get; init; }

    public int? ResidualBlocks { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Options);
}
