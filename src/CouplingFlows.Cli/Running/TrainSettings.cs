using CouplingFlows.Flows;
using CouplingFlows.Nn;

namespace CouplingFlows.Cli.Running;

/// <summary>Everything the train command was asked for.</summary>
internal sealed record TrainSettings
{
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
}
