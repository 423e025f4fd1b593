using CouplingFlows.Data;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class BundledDataSetsTests
{
    [Fact]
    public void Digits_Loaded_Has1797ImagesOf64PixelsIn0To16()
    {
        LabeledData digits = BundledDataSets.Digits();

        Assert.True(digits.Features.HasShape(1797, 64));
        Assert.All(digits.Features.Data, value => Assert.InRange(value, 0f, 16f));
        Assert.All(digits.Features.Data, value => Assert.Equal(MathF.Round(value), value));
        Assert.Equal(0f, digits.Features.Data.Min());
        Assert.Equal(16f, digits.Features.Data.Max());
    }

    [Fact]
    public void Digits_Labels_CoverEveryDigit0To9()
    {
        LabeledData digits = BundledDataSets.Digits();

        Assert.Equal(1797, digits.Labels.Length);
        Assert.Equal(Enumerable.Range(0, 10), digits.Labels.Distinct().Order());
    }

    [Fact]
    public void Digits_FirstImage_MatchesTheFileStart()
    {
        // The first line of digits.csv.gz begins 0,0,5,13,9,1,0,0 and ends with the label 0.
        LabeledData digits = BundledDataSets.Digits();

        Assert.Equal([0f, 0f, 5f, 13f, 9f, 1f, 0f, 0f], digits.Features.Row(0)[..8].ToArray());
        Assert.Equal(0, digits.Labels[0]);
    }

    [Fact]
    public void Digits_EachCall_ReturnsAFreshCopy()
    {
        LabeledData first = BundledDataSets.Digits();
        first.Features.Data[2] = -1f;

        LabeledData second = BundledDataSets.Digits();

        Assert.Equal(5f, second.Features.Data[2]);
    }
}
