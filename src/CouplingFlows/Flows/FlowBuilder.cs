using CouplingFlows.Distributions;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Flows;

/// <summary>
/// Builds flows from a <see cref="FlowSpec"/>: preprocessing, then couplings whose masks alternate
/// between the even and the odd features, then (NICE) a learned diagonal scaling.
/// </summary>
/// <remarks><see cref="FlowKind.RealNvpImage"/> follows the preprocessing with RealNVP's multi-scale
/// architecture instead (<see cref="MultiScaleTransform"/>: checkerboard and channel-wise couplings,
/// squeezes, factored-out channels).</remarks>
public static class FlowBuilder
{
    /// <summary>Builds a freshly initialised flow.</summary>
    /// <param name="spec">The architecture.</param>
    /// <param name="random">The random source for the weights; the same seed gives the same flow.</param>
    /// <returns>The flow, with a standard normal base.</returns>
    /// <exception cref="ArgumentException">The spec is invalid.</exception>
    public static Flow Build(FlowSpec spec, RandomSource random)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(random);
        spec.Validate();
        var layers = new List<ITransform>();
        AddPreprocessing(spec, layers);
        if (spec.Kind == FlowKind.RealNvpImage)
        {
            layers.Add(ImageFlowBuilder.Build(spec, random));
            return new Flow(new CompositeTransform(layers), new StandardNormal(spec.Features), spec);
        }

        for (int l = 0; l < spec.Layers; l++)
        {
            CouplingMask mask = CouplingMask.Alternating(spec.Features, keepEven: l % 2 == 0);
            layers.Add(BuildCoupling(spec, mask, $"coupling{l}", random));
        }

        if (spec.Kind == FlowKind.Nice)
        {
            layers.Add(new ElementwiseAffine("scaling", spec.Features, trainable: true));
        }

        return new Flow(new CompositeTransform(layers), new StandardNormal(spec.Features), spec);
    }

    /// <summary>The standardisation layer of a flow built with <see cref="PreprocessingKind.Standardize"/>.</summary>
    /// <param name="flow">A flow from this builder.</param>
    /// <returns>The layer, or null when the flow has none.</returns>
    public static ElementwiseAffine? FindStandardization(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        return flow.Spec?.Preprocessing == PreprocessingKind.Standardize
            && flow.Transform is CompositeTransform stack
            ? stack.Layers[0] as ElementwiseAffine
            : null;
    }

    private static void AddPreprocessing(FlowSpec spec, List<ITransform> layers)
    {
        switch (spec.Preprocessing)
        {
            case PreprocessingKind.None:
                break;
            case PreprocessingKind.Standardize:
                layers.Add(new ElementwiseAffine("standardize", spec.Features, trainable: false));
                break;
            case PreprocessingKind.DequantizeLogit:
                var scale = new ElementwiseAffine("scale", spec.Features, trainable: false);
                scale.LogScale.Fill(-MathF.Log(spec.Levels));
                layers.Add(scale);
                layers.Add(new Logit(spec.Features, spec.LogitAlpha));
                break;
            default:
                throw new ArgumentOutOfRangeException(
                    nameof(spec), spec.Preprocessing, "Unknown preprocessing.");
        }
    }

    private static CouplingTransform BuildCoupling(FlowSpec spec, CouplingMask mask, string name, RandomSource random)
    {
        int kept = mask.IdentityIndices.Count;
        int changed = mask.TransformedIndices.Count;
        var options = new MlpOptions(
            spec.HiddenFeatures, spec.HiddenLayers, spec.Activation, spec.Init, spec.ZeroLastLayer);
        return spec.Kind switch
        {
            FlowKind.RealNvp => new AffineCoupling(
                mask, Conditioner(name, kept, 2 * changed, options, spec, random), spec.ScaleBound),
            FlowKind.Nice => new AdditiveCoupling(
                mask, Conditioner(name, kept, changed, options, spec, random)),
            _ => throw new NotSupportedException($"Flow kind {spec.Kind} is not supported by this build."),
        };
    }

    private static Mlp Conditioner(
        string name, int inputs, int outputs, MlpOptions options, FlowSpec spec, RandomSource random)
    {
        if (spec.ResidualConditioner)
        {
            throw new NotSupportedException("Residual conditioners are not available in this build; use an MLP.");
        }

        return new Mlp(name, inputs, outputs, options, random);
    }
}
