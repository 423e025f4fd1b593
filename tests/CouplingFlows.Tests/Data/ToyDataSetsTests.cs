using CouplingFlows.Data;
using CouplingFlows.Numerics;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class ToyDataSetsTests
{
    /// <summary>20 000 points: the standard error of a coordinate mean is below 0.007 for every set
    /// here, so a tolerance of 0.03 is more than four standard errors (and the seed is fixed).</summary>
    private const int LargeCount = 20_000;

    private const double MeanTolerance = 0.03;

    public static TheoryData<string> AllNames => [.. ToyDataSets.Names];

    private static (double X, double Y) Mean(Tensor points)
    {
        double x = 0;
        double y = 0;
        for (int i = 0; i < points.Rows; i++)
        {
            x += points[i, 0];
            y += points[i, 1];
        }

        return (x / points.Rows, y / points.Rows);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Generate_EveryName_ReturnsFinitePointsOfShapeCountBy2(string name)
    {
        var random = new RandomSource(0);

        Tensor points = ToyDataSets.Generate(name, 257, random);

        Assert.True(points.HasShape(257, 2));
        Assert.All(points.Data, value => Assert.True(float.IsFinite(value)));
        Assert.All(points.Data, value => Assert.InRange(value, -6f, 6f));
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Generate_SameSeed_GivesTheSameBits(string name)
    {
        Tensor first = ToyDataSets.Generate(name, 100, new RandomSource(42));

        Tensor second = ToyDataSets.Generate(name, 100, new RandomSource(42));

        Assert.Equal(first.Data, second.Data);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void Generate_DifferentSeeds_GiveDifferentPoints(string name)
    {
        Tensor first = ToyDataSets.Generate(name, 100, new RandomSource(1));

        Tensor second = ToyDataSets.Generate(name, 100, new RandomSource(2));

        Assert.NotEqual(first.Data, second.Data);
    }

    [Fact]
    public void Generate_Moons_MeanIsNearHalfAndQuarter()
    {
        // Outer moon mean (0, 2/π), inner moon mean (1, 1/2 − 2/π): together (1/2, 1/4).
        Tensor points = ToyDataSets.Generate("moons", LargeCount, new RandomSource(7));

        (double x, double y) = Mean(points);

        Assert.InRange(x, 0.5 - MeanTolerance, 0.5 + MeanTolerance);
        Assert.InRange(y, 0.25 - MeanTolerance, 0.25 + MeanTolerance);
    }

    [Fact]
    public void Generate_MoonsWithoutNoise_LieOnTheirHalfCircles()
    {
        Tensor points = ToyDataSets.Generate("moons", 100, new RandomSource(3), noise: 0f);

        for (int i = 0; i < points.Rows; i++)
        {
            (double cx, double cy) = i % 2 == 0 ? (0.0, 0.0) : (1.0, 0.5);
            double radius = Math.Sqrt(Math.Pow(points[i, 0] - cx, 2) + Math.Pow(points[i, 1] - cy, 2));
            Assert.Equal(1.0, radius, 1e-5);
        }
    }

    [Fact]
    public void Generate_Circles_RadiiAreOneAndOneHalf()
    {
        Tensor points = ToyDataSets.Generate("circles", LargeCount, new RandomSource(9));

        double[] radii = [.. Enumerable.Range(0, points.Rows).Select(i => Math.Sqrt(
            (points[i, 0] * points[i, 0]) + (points[i, 1] * points[i, 1])))];
        double outer = radii.Where((_, i) => i % 2 == 0).Average();
        double inner = radii.Where((_, i) => i % 2 == 1).Average();

        Assert.InRange(outer, 1.0 - MeanTolerance, 1.0 + MeanTolerance);
        Assert.InRange(inner, 0.5 - MeanTolerance, 0.5 + MeanTolerance);
    }

    [Fact]
    public void Generate_EightGaussians_MeanIsNearOrigin()
    {
        Tensor points = ToyDataSets.Generate("eight-gaussians", LargeCount, new RandomSource(5));

        (double x, double y) = Mean(points);

        Assert.InRange(x, -MeanTolerance, MeanTolerance);
        Assert.InRange(y, -MeanTolerance, MeanTolerance);
    }

    [Fact]
    public void Generate_Checkerboard_EveryPointIsOnAFilledCell()
    {
        Tensor points = ToyDataSets.Generate("checkerboard", 1000, new RandomSource(4));

        for (int i = 0; i < points.Rows; i++)
        {
            int column = (int)Math.Floor(points[i, 0]) + 2;
            int row = (int)Math.Floor(points[i, 1]) + 2;
            Assert.InRange(column, 0, 3);
            Assert.InRange(row, 0, 3);
            Assert.Equal(0, (row + column) % 2);
        }
    }

    [Fact]
    public void Generate_NameInCapitals_IsAccepted()
    {
        Tensor points = ToyDataSets.Generate("Eight-Gaussians", 8, new RandomSource(1));

        Assert.True(points.HasShape(8, 2));
    }

    [Fact]
    public void Generate_UnknownName_ThrowsListingTheAcceptedNames()
    {
        var random = new RandomSource(1);

        ArgumentException fault = Assert.Throws<ArgumentException>(
            () => ToyDataSets.Generate("bananas", 10, random));

        Assert.Equal("name", fault.ParamName);
        Assert.Contains("'bananas'", fault.Message, StringComparison.Ordinal);
        Assert.Contains(string.Join(", ", ToyDataSets.Names), fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_NegativeNoise_ThrowsNamingNoise()
    {
        var random = new RandomSource(1);

        ArgumentOutOfRangeException fault = Assert.Throws<ArgumentOutOfRangeException>(
            () => ToyDataSets.Generate("moons", 10, random, noise: -0.1f));

        Assert.Equal("noise", fault.ParamName);
        Assert.Contains("got -0.1", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_ZeroCount_ThrowsNamingCount()
    {
        var random = new RandomSource(1);

        ArgumentOutOfRangeException fault = Assert.Throws<ArgumentOutOfRangeException>(
            () => ToyDataSets.Generate("moons", 0, random));

        Assert.Equal("count", fault.ParamName);
    }
}
