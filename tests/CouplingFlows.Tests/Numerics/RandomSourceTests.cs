using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Numerics;

/// <summary>The bulk Gaussian fill draws the same stream as one draw at a time.</summary>
public sealed class RandomSourceTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 511)]
    [InlineData(0, 512)]
    [InlineData(1, 1537)]
    [InlineData(3, 4096)]
    public void FillGaussian_MatchesNextGaussianDrawnOneAtATime(int drawnBefore, int length)
    {
        var bulk = new RandomSource(17);
        var single = new RandomSource(17);
        for (int i = 0; i < drawnBefore; i++)
        {
            Assert.Equal(single.NextGaussian(), bulk.NextGaussian());
        }

        float[] filled = new float[length];
        bulk.FillGaussian(filled, 2.5f);

        for (int i = 0; i < length; i++)
        {
            float expected = (float)(single.NextGaussian() * 2.5f);
            Assert.True(
                Math.Abs(filled[i] - expected) <= 1e-6f * Math.Max(1f, Math.Abs(expected)),
                $"draw {i}: bulk {filled[i]}, one at a time {expected}");
        }

        Assert.Equal(single.NextGaussian(), bulk.NextGaussian(), 1e-12);
        Assert.Equal(single.NextDouble(), bulk.NextDouble());
    }

    [Fact]
    public void FillGaussian_HasUnitVarianceAndZeroMean()
    {
        float[] draws = new float[200_000];
        new RandomSource(3).FillGaussian(draws);

        double mean = draws.Average(v => (double)v);
        double variance = draws.Average(v => ((double)v - mean) * ((double)v - mean));

        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(variance, 0.98, 1.02);
    }
}
