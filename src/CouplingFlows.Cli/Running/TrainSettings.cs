using System.Text.Json;
using System.Text.Json.Serialization;
using CouplingFlows.Flows;
using CouplingFlows.Nn;

namespace CouplingFlows.Cli.Running;

/// <summary>Everything the train command was asked for; stored in the run's checkpoint for --resume.</summary>
internal sealed record TrainSettings
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public required string Data { get; init; }

    public FlowKind Model { get; init; } = FlowKind.RealNvp;

    public int Layers { get; init; } = 8;

    public int Hidden { get; init; } = 256;

    public int Depth { get; init; } = 2;

    public Activation Activation { get; init; } = Activation.Relu;

    public int Batch { get; init; } = 256;

    public float LearningRate { get; init; } = 1e-3f;

    public int Steps { get; init; } = 3000;

    public long Seed { get; init; }

    public string? Out { get; init; }

    public bool Force { get; init; }

    public double ValidationFraction { get; init; } = 0.1;

    public int? Patience { get; init; }

    public float? ClipNorm { get; init; }

    public float ScaleBound { get; init; } = Transforms.AffineCoupling.DefaultScaleBound;

    public bool ZeroInit { get; init; }

    public int Bins { get; init; } = 8;

    public float TailBound { get; init; } = 3f;

    public string Preprocess { get; init; } = "auto";

    public bool MemorySaving { get; init; }

    public bool ResidualConditioner { get; init; }

    public int? Scales { get; init; }

    public int ConvChannels { get; init; } = 32;

    public int ResidualBlocks { get; init; } = 2;

    public int CheckpointEvery { get; init; } = 500;

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads the settings stored in a checkpoint by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">There are none, or they cannot be read.</exception>
    public static TrainSettings FromJson(string? json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainSettings>(json ?? "null", JsonOptions)
                ?? throw new InvalidDataException(
                    $"{source} holds no train settings; it was not written by coupling-flows train.");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"{source}: its train settings cannot be read: {error.Message}", error);
        }
    }
}
