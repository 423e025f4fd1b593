using CouplingFlows.Data;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class DataSplitTests
{
    [Fact]
    public void Split_DigitsSizedFractions_PartitionsEveryRowOnce()
    {
        // 1797 · 0.2 = 359.4 → 359 test rows; 1797 · 0.1 = 179.7 → 180 validation rows.
        DataSplit split = DataSplit.Split(1797, testFraction: 0.2, validationFraction: 0.1, seed: 0);

        Assert.Equal(359, split.Test.Length);
        Assert.Equal(180, split.Validation.Length);
        Assert.Equal(1258, split.Train.Length);
        Assert.Equal(Enumerable.Range(0, 1797), split.Train.Concat(split.Validation).Concat(split.Test).Order());
        Assert.Equal(split.Train.Order(), split.Train);
        Assert.Equal(split.Test.Order(), split.Test);
    }

    [Fact]
    public void Split_SameSeed_GivesTheSameParts()
    {
        DataSplit first = DataSplit.Split(100, 0.25, 0.25, seed: 17);

        DataSplit second = DataSplit.Split(100, 0.25, 0.25, seed: 17);

        Assert.Equal(first.Train, second.Train);
        Assert.Equal(first.Validation, second.Validation);
        Assert.Equal(first.Test, second.Test);
    }

    [Fact]
    public void Split_DifferentSeeds_GiveDifferentParts()
    {
        DataSplit first = DataSplit.Split(100, 0.25, 0.0, seed: 1);

        DataSplit second = DataSplit.Split(100, 0.25, 0.0, seed: 2);

        Assert.NotEqual(first.Test, second.Test);
        Assert.Empty(first.Validation);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Split_TestFractionOutsideRange_ThrowsNamingIt(double fraction)
    {
        ArgumentOutOfRangeException fault = Assert.Throws<ArgumentOutOfRangeException>(
            () => DataSplit.Split(10, fraction, 0.1, seed: 0));

        Assert.Equal("testFraction", fault.ParamName);
        Assert.Contains("testFraction must be in [0, 1)", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_ValidationFractionOutsideRange_ThrowsNamingIt()
    {
        ArgumentOutOfRangeException fault = Assert.Throws<ArgumentOutOfRangeException>(
            () => DataSplit.Split(10, 0.1, 1.5, seed: 0));

        Assert.Equal("validationFraction", fault.ParamName);
        Assert.Contains("got 1.5", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_FractionsSumToOne_ThrowsLeavingNoTrainingShare()
    {
        ArgumentOutOfRangeException fault = Assert.Throws<ArgumentOutOfRangeException>(
            () => DataSplit.Split(10, 0.6, 0.4, seed: 0));

        Assert.Equal("validationFraction", fault.ParamName);
        Assert.Contains("must be below 1", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_RoundingLeavesNoTrainingRow_Throws()
    {
        // 2 · 0.5 = 1 test row and 2 · 0.4 = 0.8 → 1 validation row leave none for training.
        ArgumentException fault = Assert.Throws<ArgumentException>(() => DataSplit.Split(2, 0.5, 0.4, seed: 0));

        Assert.Equal("rows", fault.ParamName);
        Assert.Contains("leaves none for training", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Split_ZeroRows_ThrowsNamingRows()
    {
        ArgumentOutOfRangeException fault = Assert.Throws<ArgumentOutOfRangeException>(
            () => DataSplit.Split(0, 0.1, 0.1, seed: 0));

        Assert.Equal("rows", fault.ParamName);
    }
}
