using CouplingFlows.Data;
using CouplingFlows.Numerics;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class TensorRowsTests
{
    private static Tensor Counting(params int[] shape)
    {
        var tensor = new Tensor(shape);
        for (int i = 0; i < tensor.Length; i++)
        {
            tensor.Data[i] = i;
        }

        return tensor;
    }

    [Fact]
    public void Take_IndicesWithRepeat_CopiesRowsInTheGivenOrder()
    {
        Tensor source = Counting(4, 2);

        Tensor taken = TensorRows.Take(source, [3, 0, 3]);

        Assert.True(taken.HasShape(3, 2));
        Assert.Equal([6f, 7f, 0f, 1f, 6f, 7f], taken.Data);
    }

    [Fact]
    public void Take_ImageBatch_KeepsTheTrailingDimensions()
    {
        Tensor source = Counting(5, 1, 2, 2);

        Tensor taken = TensorRows.Take(source, [4]);

        Assert.True(taken.HasShape(1, 1, 2, 2));
        Assert.Equal([16f, 17f, 18f, 19f], taken.Data);
    }

    [Fact]
    public void Take_IntoDestination_ReusesItsBuffer()
    {
        Tensor source = Counting(4, 2);
        var destination = new Tensor(2, 2);
        float[] buffer = destination.Data;

        TensorRows.Take(source, [1, 2], destination);

        Assert.Same(buffer, destination.Data);
        Assert.Equal([2f, 3f, 4f, 5f], destination.Data);
    }

    [Fact]
    public void Take_IndexOutOfRange_ThrowsNamingIndexAndPosition()
    {
        Tensor source = Counting(4, 2);

        ArgumentOutOfRangeException fault = Assert.Throws<ArgumentOutOfRangeException>(
            () => TensorRows.Take(source, [0, 4]));

        Assert.Equal("indices", fault.ParamName);
        Assert.Contains("Row index 4 at position 1 is outside [0, 4)", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Take_DestinationOfWrongShape_ThrowsNamingBothShapes()
    {
        Tensor source = Counting(4, 2);
        var destination = new Tensor(3, 2);

        ArgumentException fault = Assert.Throws<ArgumentException>(
            () => TensorRows.Take(source, [0, 1], destination));

        Assert.Equal("destination", fault.ParamName);
        Assert.Contains("(3, 2)", fault.Message, StringComparison.Ordinal);
        Assert.Contains("2 rows of 2 values", fault.Message, StringComparison.Ordinal);
    }
}
