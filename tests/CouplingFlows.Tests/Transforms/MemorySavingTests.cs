using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Transforms;

public sealed class MemorySavingTests
{
    /// <summary>Rebuilt inputs differ from the cached ones by float32 rounding of a few inverse layers, which
    /// moves gradients by a few parts in 10⁵ relative to their scale.</summary>
    private const float RelativeTolerance = 1e-3f;

    [Theory]
    [InlineData(FlowKind.RealNvp, PreprocessingKind.None)]
    [InlineData(FlowKind.Nice, PreprocessingKind.DequantizeLogit)]
    public void Gradients_MemorySavingMode_EqualCachedModeToFloatRounding(
        FlowKind kind, PreprocessingKind preprocessing)
    {
        var spec = new FlowSpec
        {
            Kind = kind,
            Features = 6,
            Layers = 6,
            HiddenFeatures = 16,
            Preprocessing = preprocessing,
            Levels = 8,
        };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(21));
        var batch = new Tensor(32, 6);
        if (preprocessing == PreprocessingKind.None)
        {
            new RandomSource(22).FillGaussian(batch.Data);
        }
        else
        {
            new RandomSource(22).FillUniform(batch.Data, 0.01f, 7.99f);
            FlowBuilder.FitStandardization(flow, batch);
        }

        float[] cached = Gradients(flow, batch, memorySaving: false, out double cachedLoss);
        float[] rebuilt = Gradients(flow, batch, memorySaving: true, out double rebuiltLoss);

        Assert.Equal(cachedLoss, rebuiltLoss, 5);
        float scale = cached.Max(MathF.Abs);
        for (int i = 0; i < cached.Length; i++)
        {
            Assert.True(
                MathF.Abs(cached[i] - rebuilt[i]) <= RelativeTolerance * scale,
                $"gradient {i}: cached {cached[i]} vs memory-saving {rebuilt[i]}");
        }
    }

    private static float[] Gradients(Flow flow, Tensor batch, bool memorySaving, out double loss)
    {
        var stack = (CompositeTransform)flow.Transform;
        stack.MemorySaving = memorySaving;
        foreach (Parameter parameter in flow.Parameters)
        {
            parameter.ZeroGradient();
        }

        loss = flow.ComputeLossAndGradients(batch);
        stack.MemorySaving = false;

        return [.. flow.Parameters.SelectMany(p => p.Gradient.Data)];
    }
}
