using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Tests.Support;
using CouplingFlows.Training;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Training;

public sealed class BitsPerDimensionTests
{
    [Fact]
    public void UniformModel_OnDequantisedEightBitData_ReadsEightBitsPerDimension()
    {
        // The flow scales pixels by 1/256 (its log-det, −D ln 256, is counted) onto a uniform density on
        // the unit cube: −log p(x + u) = D ln 256, which is exactly 8 bits per dimension.
        const int Dimensions = 16;
        var scale = new ElementwiseAffine("scale", Dimensions, trainable: false);
        scale.LogScale.Fill(-MathF.Log(256f));
        var flow = new Flow(scale, new UniformUnitCube(Dimensions));
        var pixels = new Tensor(50, Dimensions);
        var random = new RandomSource(3);
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels.Data[i] = random.NextInt(256);
        }

        double nll = Evaluation.MeanNll(flow, Evaluation.Dequantize(pixels, random));

        Assert.Equal(8.000, Evaluation.BitsPerDimension(nll, Dimensions), 4);
    }

    [Fact]
    public void BitsPerDimension_OfLogSeventeenPerDimension_IsLogTwoOfSeventeen()
    {
        double nll = 64 * Math.Log(17);

        double bits = Evaluation.BitsPerDimension(nll, 64);

        Assert.Equal(Math.Log2(17), bits, 10);
    }
}
