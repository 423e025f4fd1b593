using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Transforms;

public sealed class LogitTests
{
    [Theory]
    [InlineData(0.5f, 0f, 1.280934f)]
    [InlineData(0.1f, -1.815290f, 2.011575f)]
    public void Forward_SymmetricForm_GivesDocumentedValues(float v, float expectedY, float expectedLogDet)
    {
        var logit = new Logit(1, alpha: 0.05f);

        TransformResult result = logit.Forward(new Tensor([v], 1, 1));

        Assert.Equal(expectedY, result.Output[0, 0], 1e-5f);
        Assert.Equal(expectedLogDet, result.LogAbsDet[0], 1e-5f);
    }

    [Fact]
    public void Forward_ValueAboveOne_IsRefusedNamingRowAndFeature()
    {
        var logit = new Logit(2);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => logit.Forward(new Tensor([0.5f, 1.5f], 1, 2)));

        Assert.Contains("Row 0, feature 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_AlphaOfHalf_IsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Logit(2, 0.5f));

        Assert.Equal("alpha", error.ParamName);
    }
}
