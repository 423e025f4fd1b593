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
}
