using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Tests.Support;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Transforms;

public sealed class ImageMaskTests
{
    /// <summary>float32 exp and tanh of unit-scale values: a few ulps.</summary>
    private const float Tolerance = 1e-5f;

    private static readonly ImageShape ThreeByThree = new(1, 3, 3);

    [Fact]
    public void Checkerboard_ThreeByThree_KeepsCornersAndCentre()
    {
        CouplingMask mask = CouplingMask.Checkerboard(ThreeByThree, keepEven: true);

        int[] pattern = [.. Enumerable.Range(0, 9).Select(i => mask.IdentityIndices.Contains(i) ? 1 : 0)];

        Assert.Equal([1, 0, 1, 0, 1, 0, 1, 0, 1], pattern);
        Assert.Equal([1, 3, 5, 7], mask.TransformedIndices);
    }

    [Fact]
    public void Checkerboard_OddParityOnOddSize_IsTheComplementInEveryChannel()
    {
        var shape = new ImageShape(2, 3, 5);

        CouplingMask even = CouplingMask.Checkerboard(shape, keepEven: true);
        CouplingMask odd = CouplingMask.Checkerboard(shape, keepEven: false);

        Assert.Equal(16, even.IdentityIndices.Count);
        Assert.Equal(14, odd.IdentityIndices.Count);
        Assert.Equal(even.TransformedIndices, odd.IdentityIndices);
        Assert.Contains(15, even.IdentityIndices);
        Assert.Contains(16, odd.IdentityIndices);
    }

    [Fact]
    public void ChannelWise_KeepsWholeChannels()
    {
        var shape = new ImageShape(4, 2, 2);

        CouplingMask first = CouplingMask.ChannelWise(shape, keepFirst: true);
        CouplingMask second = CouplingMask.ChannelWise(shape, keepFirst: false);

        Assert.Equal(Enumerable.Range(0, 8), first.IdentityIndices);
        Assert.Equal(Enumerable.Range(8, 8), second.IdentityIndices);
    }

    [Fact]
    public void ChannelWise_OneChannel_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(
            () => CouplingMask.ChannelWise(new ImageShape(1, 4, 4), keepFirst: true));

        Assert.Equal("shape", error.ParamName);
        Assert.Contains("at least 2 channels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckerboardCoupling_LogScaleLn2OnOneToNine_DoublesTheTransformedPixels()
    {
        CouplingMask mask = CouplingMask.Checkerboard(ThreeByThree, keepEven: true);
        var coupling = new AffineCoupling(mask, new FunctionConditioner(5, 8, FillLn2Scale));
        var x = new Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 1, 3, 3);

        TransformResult result = coupling.Forward(x);

        Assert.Equal([1, 4, 3, 8, 5, 12, 7, 16, 9], result.Output.Data.Select(v => MathF.Round(v, 4)));
        Assert.Equal(4 * MathF.Log(2), result.LogAbsDet[0], Tolerance);
    }

    [Fact]
    public void MaskedGridConditioner_SeesTheGridWithTransformedPixelsZeroed()
    {
        CouplingMask mask = CouplingMask.Checkerboard(ThreeByThree, keepEven: true);
        float[]? seen = null;
        var network = new FunctionConditioner(9, 18, (grid, theta) =>
        {
            seen = grid;
            for (int t = 0; t < 9; t++)
            {
                theta[t] = Ln2Raw;
            }
        });
        var coupling = new AffineCoupling(mask, new MaskedGridConditioner(mask, network, 2));
        var x = new Tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 9);

        TransformResult forward = coupling.Forward(x);
        TransformResult inverse = coupling.Inverse(forward.Output);

        Assert.NotNull(seen);
        Assert.Equal([1, 0, 3, 0, 5, 0, 7, 0, 9], seen);
        Assert.Equal([1, 4, 3, 8, 5, 12, 7, 16, 9], forward.Output.Data.Select(v => MathF.Round(v, 4)));
        Assert.Equal(4 * MathF.Log(2), forward.LogAbsDet[0], Tolerance);
        Assert.Equal(x.Data, inverse.Output.Data.Select(v => MathF.Round(v, 4)));
        Assert.Equal(-4 * MathF.Log(2), inverse.LogAbsDet[0], Tolerance);
    }

    [Fact]
    public void MaskedGridConditioner_NetworkOfWrongWidth_IsRefused()
    {
        CouplingMask mask = CouplingMask.Checkerboard(ThreeByThree, keepEven: true);
        var network = new ResidualConvNet(
            "n", ThreeByThree, 1, new ResidualConvNetOptions(2, 0), new RandomSource(0));

        var error = Assert.Throws<ArgumentException>(() => new MaskedGridConditioner(mask, network, 2));

        Assert.Equal("network", error.ParamName);
        Assert.Contains("write 18", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The raw h whose soft-clamped log-scale c·tanh(h/c) is ln 2, for c = 3.</summary>
    private static float Ln2Raw => (float)(AffineCoupling.DefaultScaleBound
        * Math.Atanh(Math.Log(2) / AffineCoupling.DefaultScaleBound));

    private static void FillLn2Scale(float[] kept, float[] theta)
    {
        Array.Fill(theta, Ln2Raw, 0, 4);
        Array.Fill(theta, 0f, 4, 4);
    }
}
