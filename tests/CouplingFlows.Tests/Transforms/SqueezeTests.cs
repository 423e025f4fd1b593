using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Transforms;

public sealed class SqueezeTests
{
    [Fact]
    public void Forward_OneByFourByFour_FollowsTheDocumentedOrderAndInverts()
    {
        var squeeze = new Squeeze(new ImageShape(1, 4, 4));
        var x = new Tensor([.. Enumerable.Range(0, 16).Select(i => (float)i)], 1, 1, 4, 4);

        TransformResult forward = squeeze.Forward(x);
        TransformResult inverse = squeeze.Inverse(forward.Output);

        Assert.True(forward.Output.HasShape(1, 4, 2, 2));
        Assert.Equal([0, 2, 8, 10, 1, 3, 9, 11, 4, 6, 12, 14, 5, 7, 13, 15], forward.Output.Data);
        Assert.Equal(0f, forward.LogAbsDet[0]);
        Assert.True(inverse.Output.HasShape(1, 1, 4, 4));
        Assert.Equal(x.Data, inverse.Output.Data);
    }

    [Fact]
    public void Inverse_FourByFiveByFive_GivesOneByTenByTen()
    {
        var squeeze = new Squeeze(new ImageShape(1, 10, 10));
        var y = new Tensor(2, 4, 5, 5);
        new RandomSource(1).FillGaussian(y.Data);

        Tensor x = squeeze.Inverse(y).Output;

        Assert.Equal(new ImageShape(4, 5, 5), squeeze.OutputShape);
        Assert.True(x.HasShape(2, 1, 10, 10));
        for (int u = 0; u < 2; u++)
        {
            for (int v = 0; v < 2; v++)
            {
                // y[4c + 2u + v, i, j] = x[c, 2i + u, 2j + v] at i = 3, j = 4.
                Assert.Equal(y[1, ((2 * u) + v) * 25 + 19], x[1, ((6 + u) * 10) + 8 + v]);
            }
        }
    }

    [Theory]
    [InlineData(5, 4)]
    [InlineData(4, 7)]
    public void Constructor_OddSide_IsRefusedWithTheShape(int height, int width)
    {
        var error = Assert.Throws<ArgumentException>(() => new Squeeze(new ImageShape(1, height, width)));

        Assert.Equal("inputShape", error.ParamName);
        Assert.Contains("even", error.Message, StringComparison.Ordinal);
        Assert.Contains($"1x{height}x{width}", error.Message, StringComparison.Ordinal);
    }
}
