using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Flows;

public sealed class FlowTests
{
    [Fact]
    public void SampleWithLogProb_AgreesWithLogProbOfTheSamples()
    {
        Flow flow = FlowBuilder.Build(
            new FlowSpec { Features = 3, Layers = 4, HiddenFeatures = 16 }, new RandomSource(5));

        FlowSample drawn = flow.SampleWithLogProb(20, new RandomSource(6));
        float[] scored = flow.LogProb(drawn.Samples);

        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(scored[i], drawn.LogProb[i], 1e-3f);
        }
    }

    [Fact]
    public void Build_SameSeed_GivesSameParametersAndSamples()
    {
        var spec = new FlowSpec { Kind = FlowKind.Nice, Features = 4, Layers = 2, HiddenFeatures = 8 };

        Flow first = FlowBuilder.Build(spec, new RandomSource(9));
        Flow second = FlowBuilder.Build(spec, new RandomSource(9));

        Assert.Equal(
            first.Parameters.SelectMany(p => p.Value.Data), second.Parameters.SelectMany(p => p.Value.Data));
        Assert.Equal(first.Sample(5, new RandomSource(1)).Data, second.Sample(5, new RandomSource(1)).Data);
    }

    [Fact]
    public void LogProb_ZeroInitialisedFlow_IsStandardNormalDensity()
    {
        var spec = new FlowSpec { Features = 2, Layers = 4, HiddenFeatures = 8, ZeroLastLayer = true };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(2));
        var x = new Tensor([0f, 0f, 1f, -1f], 2, 2);

        float[] logProb = flow.LogProb(x);

        Assert.Equal(-Math.Log(2 * Math.PI), logProb[0], 5);
        Assert.Equal(-Math.Log(2 * Math.PI) - 1.0, logProb[1], 5);
    }

    [Fact]
    public void TrainableParameterCount_RealNvpDigitsConfiguration_MatchesReference()
    {
        // 8 couplings on 64 features with 2 x 256 ReLU MLPs: the reference reports 725,504 parameters.
        var spec = new FlowSpec { Features = 64, Layers = 8, HiddenFeatures = 256, HiddenLayers = 2 };

        Flow flow = FlowBuilder.Build(spec, new RandomSource(0));

        Assert.Equal(725_504, flow.TrainableParameterCount);
    }

    [Theory]
    [InlineData(FlowKind.Nsf, 64, 2_107_136)]
    [InlineData(FlowKind.Nsf, 2, 577_720)]
    [InlineData(FlowKind.Nice, 64, 659_712)]
    [InlineData(FlowKind.RealNvp, 2, 534_544)]
    public void TrainableParameterCount_StandardConfigurations_MatchReference(
        FlowKind kind, int features, long expected)
    {
        // The reference table's 8 couplings with 2 x 256 ReLU MLPs (NSF: K = 8 bins, 3K - 1 outputs per
        // feature). NICE's count there excludes the final diagonal scaling, which adds D parameters here.
        var spec = new FlowSpec { Kind = kind, Features = features, Layers = 8 };

        Flow flow = FlowBuilder.Build(spec, new RandomSource(0));

        long scaling = kind == FlowKind.Nice ? features : 0;
        Assert.Equal(expected + scaling, flow.TrainableParameterCount);
    }
}
