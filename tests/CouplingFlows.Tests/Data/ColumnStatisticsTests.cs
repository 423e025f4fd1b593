using CouplingFlows.Data;
using CouplingFlows.Numerics;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class ColumnStatisticsTests
{
    /// <summary>Double accumulation of float32 inputs: agreement to 1e-12 relative is expected.</summary>
    private const double Tolerance = 1e-12;

    [Fact]
    public void Compute_SmallTable_GivesMeansPopulationDeviationsAndTheConstantColumn()
    {
        var values = new Tensor([1f, 5f, 1f, 7f, 1f, 9f], 3, 2);

        ColumnStatistics statistics = ColumnStatistics.Compute(values);

        Assert.Equal(3, statistics.Count);
        Assert.Equal(1.0, statistics.Mean[0], Tolerance);
        Assert.Equal(7.0, statistics.Mean[1], Tolerance);
        Assert.Equal(0.0, statistics.StandardDeviation[0]);
        Assert.Equal(Math.Sqrt(8.0 / 3.0), statistics.StandardDeviation[1], Tolerance);
        Assert.Equal([0], statistics.ConstantColumns);
        Assert.Equal([1f, 5f], statistics.Minimum);
        Assert.Equal([1f, 9f], statistics.Maximum);
    }

    [Fact]
    public void Compute_LargeOffset_KeepsTheSmallSpreadAccurate()
    {
        // A float32 running sum reaches 1e10, where its spacing is 1024, and would lose these ±0.5 steps.
        var values = new Tensor(10_000, 1);
        for (int i = 0; i < values.Rows; i++)
        {
            values[i, 0] = 1e6f + (i % 2 == 0 ? 0.5f : -0.5f);
        }

        ColumnStatistics statistics = ColumnStatistics.Compute(values);

        Assert.Equal(1e6, statistics.Mean[0], 1e-9);
        Assert.Equal(0.5, statistics.StandardDeviation[0], 1e-9);
        Assert.Empty(statistics.ConstantColumns);
    }

    [Fact]
    public void Compute_Digits_FindsTheAlwaysBlankFirstPixel()
    {
        LabeledData digits = BundledDataSets.Digits();

        ColumnStatistics statistics = ColumnStatistics.Compute(digits.Features);

        Assert.Contains(0, statistics.ConstantColumns);
        Assert.Equal(64, statistics.Mean.Length);
    }

    [Fact]
    public void Compute_NoRows_ThrowsNamingValues()
    {
        var values = new Tensor(0, 3);

        ArgumentException fault = Assert.Throws<ArgumentException>(() => ColumnStatistics.Compute(values));

        Assert.Equal("values", fault.ParamName);
        Assert.Contains("at least one row", fault.Message, StringComparison.Ordinal);
    }
}
