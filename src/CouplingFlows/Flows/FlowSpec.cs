using CouplingFlows.Nn;
using CouplingFlows.Transforms;

namespace CouplingFlows.Flows;

/// <summary>
/// Everything needed to rebuild a flow's architecture; saved in the model file beside the weights.
/// </summary>
public sealed record FlowSpec
{
    /// <summary>The flow family.</summary>
    public FlowKind Kind { get; init; } = FlowKind.RealNvp;

    /// <summary>D, the number of data features.</summary>
    public int Features { get; init; }

    /// <summary>The number of coupling layers.</summary>
    public int Layers { get; init; } = 8;

    /// <summary>The width of the conditioners' hidden layers.</summary>
    public int HiddenFeatures { get; init; } = 256;

    /// <summary>The number of hidden layers in each conditioner.</summary>
    public int HiddenLayers { get; init; } = 2;

    /// <summary>The conditioners' non-linearity.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>The initialisation of the conditioners' weights.</summary>
    public WeightInit Init { get; init; } = WeightInit.GlorotUniform;

    /// <summary>Whether each conditioner's last layer starts at zero (the flow starts as the identity).</summary>
    public bool ZeroLastLayer { get; init; }

    /// <summary>Whether conditioners are residual MLPs rather than plain MLPs.</summary>
    public bool ResidualConditioner { get; init; }

    /// <summary>c, the bound of the affine log-scale (RealNVP).</summary>
    public float ScaleBound { get; init; } = AffineCoupling.DefaultScaleBound;

    /// <summary>K, the number of spline bins (NSF).</summary>
    public int Bins { get; init; } = 8;

    /// <summary>B, the spline's tail bound: identity outside [−B, B] (NSF).</summary>
    public float TailBound { get; init; } = 3f;

    /// <summary>What happens to the data before the couplings.</summary>
    public PreprocessingKind Preprocessing { get; init; } = PreprocessingKind.None;

    /// <summary>L, the number of discrete levels, for <see cref="PreprocessingKind.DequantizeLogit"/>.</summary>
    public int Levels { get; init; } = 256;

    /// <summary>α of the logit preprocessing.</summary>
    public float LogitAlpha { get; init; } = Logit.DefaultAlpha;

    /// <summary>(C, H, W) when each row is an image (for sample grids), else null.</summary>
    public IReadOnlyList<int>? ImageShape { get; init; }

    /// <summary>The number of scales of an image flow (<see cref="FlowKind.RealNvpImage"/>); null chooses
    /// one more than the number of squeezes that keep both sides even and at least 4 (2 for 8x8, 3 for
    /// 28x28).</summary>
    public int? Scales { get; init; }

    /// <summary>The width (hidden channels) of an image flow's convolutional conditioners.</summary>
    public int ConvChannels { get; init; } = 32;

    /// <summary>The number of residual blocks in each convolutional conditioner of an image flow.</summary>
    public int ResidualBlocks { get; init; } = 2;

    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public void Validate()
    {
        Require(Features >= 2, $"The flow needs at least 2 features for couplings; got {Features}.");
        Require(Layers >= 1, $"layers must be at least 1; got {Layers}.");
        Require(HiddenFeatures >= 1, $"hidden must be at least 1; got {HiddenFeatures}.");
        Require(HiddenLayers >= 0, $"depth must be at least 0; got {HiddenLayers}.");
        Require(ScaleBound > 0f && float.IsFinite(ScaleBound), $"scale bound must be positive; got {ScaleBound}.");
        if (Kind == FlowKind.Nsf)
        {
            Require(Bins >= 2, $"binCount must be at least 2; got {Bins}.");
            Require(Bins < 1000, $"binCount must be below 1000 (K x minimum bin width 0.001 < 1); got {Bins}.");
            Require(
                TailBound > 0f && TailBound <= 1e6f, $"tail bound must lie in (0, 1e6]; got {TailBound}.");
        }
        Require(Levels >= 2, $"levels must be at least 2; got {Levels}.");
        Require(LogitAlpha > 0f && LogitAlpha < 0.5f, $"logit alpha must lie in (0, 0.5); got {LogitAlpha}.");
        if (Kind == FlowKind.RealNvpImage)
        {
            Require(ConvChannels >= 1, $"channels must be at least 1; got {ConvChannels}.");
            Require(ResidualBlocks >= 0, $"blocks must be 0 or more; got {ResidualBlocks}.");
            ImageFlowBuilder.Plan(this);
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
