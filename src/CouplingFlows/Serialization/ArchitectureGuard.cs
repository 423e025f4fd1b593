using CouplingFlows.Flows;

namespace CouplingFlows.Serialization;

/// <summary>
/// Refuses an architecture record that cannot match the parameter bytes stored after it, before anything
/// is allocated: a file edited to claim a billion layers or features must fail at once, not exhaust memory.
/// </summary>
/// <remarks>Every flow the builder makes stores, for each coupling, at least one output bias per transformed
/// feature (about D/2 floats) and one bias per hidden unit. Those lower bounds, times 4 bytes, must fit in the
/// bytes that remain in the file.</remarks>
internal static class ArchitectureGuard
{
    public static void Check(FlowSpec spec, long remainingBytes, string sourceName)
    {
        long floats = Math.Max(0, remainingBytes / sizeof(float));
        if (spec.Kind == FlowKind.RealNvpImage)
        {
            CheckImage(spec, floats, remainingBytes, sourceName);
            return;
        }

        long layers = Math.Max(1, (long)spec.Layers);
        long perCoupling = Math.Max(1, spec.Features / 2)
            + ((long)Math.Max(0, spec.HiddenFeatures) * Math.Max(0, spec.HiddenLayers));
        if (spec.Features < 1 || spec.Layers < 1 || spec.HiddenFeatures < 1 || spec.HiddenLayers < 0
            || layers > floats || layers * perCoupling > floats)
        {
            throw new ModelFileException(
                sourceName,
                $"its architecture ({spec.Layers} layers, {spec.Features} features, hidden {spec.HiddenFeatures} x "
                + $"{spec.HiddenLayers}) cannot fit in the {remainingBytes} bytes of parameters stored after it; the "
                + "file is damaged or was edited.");
        }
    }

    /// <summary>An image flow has at least four couplings, each with an input convolution of
    /// <see cref="FlowSpec.ConvChannels"/> biases, and an ActNorm of at least three values before each;
    /// with preprocessing it also stores a per-pixel scale. Its <see cref="FlowSpec.Layers"/> and hidden
    /// sizes are not used.</summary>
    private static void CheckImage(FlowSpec spec, long floats, long remainingBytes, string sourceName)
    {
        const long Couplings = 4;
        long perCoupling = Math.Max(0, (long)spec.ConvChannels) + 3;
        if (spec.Features < 1 || spec.ConvChannels < 1 || spec.ResidualBlocks < 0
            || (spec.Preprocessing != PreprocessingKind.None && spec.Features > floats)
            || Couplings * perCoupling > floats)
        {
            throw new ModelFileException(
                sourceName,
                $"its image architecture ({spec.Features} features, {spec.ConvChannels} channels, "
                + $"{spec.ResidualBlocks} blocks) cannot fit in the {remainingBytes} bytes of parameters stored after "
                + "it; the file is damaged or was edited.");
        }
    }
}
