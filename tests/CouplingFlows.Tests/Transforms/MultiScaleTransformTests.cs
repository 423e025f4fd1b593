using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Transforms;

public sealed class MultiScaleTransformTests
{
    [Fact]
    public void Forward_TwoStages_PassesFactoredValuesAndCountsLaterLogDetOnTheKeptHalf()
    {
        var first = new ElementwiseAffine("first", 8, trainable: true);
        var second = new ElementwiseAffine("second", 4, trainable: true);
        new RandomSource(1).FillGaussian(first.LogScale, 0.5f);
        new RandomSource(2).FillGaussian(second.LogScale, 0.5f);
        var transform = new MultiScaleTransform([first, second]);
        var x = new Tensor(2, 8);
        new RandomSource(3).FillGaussian(x.Data);

        TransformResult result = transform.Forward(x);

        TransformResult afterFirst = first.Forward(x);
        var kept = new Tensor(2, 4);
        for (int i = 0; i < 2; i++)
        {
            afterFirst.Output.Row(i)[..4].CopyTo(kept.Row(i));
        }

        TransformResult afterSecond = second.Forward(kept);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(afterSecond.Output.Row(i).ToArray(), result.Output.Row(i)[..4].ToArray());
            Assert.Equal(afterFirst.Output.Row(i)[4..].ToArray(), result.Output.Row(i)[4..].ToArray());
            Assert.Equal(afterFirst.LogAbsDet[i] + afterSecond.LogAbsDet[i], result.LogAbsDet[i], 1e-5f);
        }
    }

    [Fact]
    public void Constructor_WiderLaterStage_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => new MultiScaleTransform(
            [new ElementwiseAffine("a", 4, trainable: true), new ElementwiseAffine("b", 6, trainable: true)]));

        Assert.Equal("stages", error.ParamName);
        Assert.Contains("Stage 1 has 6 features", error.Message, StringComparison.Ordinal);
    }
}
