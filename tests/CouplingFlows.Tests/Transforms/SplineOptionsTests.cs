using CouplingFlows.Transforms;
using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Tests.Transforms;

public sealed class SplineOptionsTests
{
    [Fact]
    public void Constructor_Defaults_MatchDocumentedValues()
    {
        var options = new SplineOptions();

        Assert.Equal(8, options.BinCount);
        Assert.Equal(3f, options.TailBound);
        Assert.Equal(1e-3f, options.MinBinWidth);
        Assert.Equal(1e-3f, options.MinBinHeight);
        Assert.Equal(1e-3f, options.MinDerivative);
        Assert.Equal(23, options.ParametersPerFeature);
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(3, 8)]
    [InlineData(8, 23)]
    [InlineData(16, 47)]
    public void ParametersPerFeature_BinCount_IsThreeKMinusOne(int binCount, int expected)
    {
        Assert.Equal(expected, new SplineOptions(binCount).ParametersPerFeature);
        Assert.Equal(expected, RationalQuadraticSplineCoupling.RawParametersPerFeature(binCount));
    }

    [Fact]
    public void Constructor_OneBin_ThrowsWithIssueMessage()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SplineOptions(binCount: 1));

        Assert.Equal("binCount", error.ParamName);
        Assert.Contains("binCount must be at least 2; got 1.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawParametersPerFeature_OneBin_ThrowsWithIssueMessage()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => RationalQuadraticSplineCoupling.RawParametersPerFeature(1));

        Assert.Equal("binCount", error.ParamName);
        Assert.Contains("binCount must be at least 2; got 1.", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-1f)]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Constructor_BadTailBound_Throws(float tailBound)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SplineOptions(tailBound: tailBound));

        Assert.Equal("tailBound", error.ParamName);
        Assert.Contains("tailBound must be positive and finite", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.2f)]
    [InlineData(0.25f)]
    [InlineData(0f)]
    public void Constructor_MinBinWidthTooLargeOrZero_Throws(float minimum)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new SplineOptions(binCount: 5, minBinWidth: minimum));

        Assert.Equal("minBinWidth", error.ParamName);
        Assert.Contains("binCount x minBinWidth below 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MinBinHeightTooLarge_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new SplineOptions(binCount: 4, minBinHeight: 0.3f));

        Assert.Equal("minBinHeight", error.ParamName);
        Assert.Contains("got 0.3 with binCount 4", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(-0.5f)]
    public void Constructor_MinDerivativeOutsideUnitInterval_Throws(float minimum)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SplineOptions(minDerivative: minimum));

        Assert.Equal("minDerivative", error.ParamName);
        Assert.Contains("minDerivative must lie in (0, 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Equals_SameSettings_AreEqual()
    {
        Assert.Equal(new SplineOptions(4, 2f), new SplineOptions(4, 2f));
        Assert.NotEqual(new SplineOptions(4, 2f), new SplineOptions(5, 2f));
    }
}
