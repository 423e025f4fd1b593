using CouplingFlows.Diagnostics;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Diagnostics;

public sealed class CheckerboardReceptiveFieldTests
{
    /// <summary>Central differences of float32 outputs: a true dependency gives |J| far above this, an absent
    /// one exactly 0 (the input never reaches the output).</summary>
    private const double DependencyThreshold = 1e-4;

    [Fact]
    public void OneCheckerboardCoupling_SingleConvolution_ReachesOnlyEdgeNeighbours()
    {
        // One affine checkerboard coupling on a 1x4x4 image whose conditioner is a single 3x3 convolution
        // over the masked grid: a transformed pixel depends on itself and on its (kept) edge neighbours,
        // a kept pixel only on itself.
        var shape = new ImageShape(1, 4, 4);
        var mask = CouplingMask.Checkerboard(shape, keepEven: true);
        var random = new RandomSource(5);
        var convolution = new SingleConvolution(new Conv2d("conv", 1, 2, 3, WeightInit.StandardNormal, random));
        var coupling = new AffineCoupling(mask, new MaskedGridConditioner(mask, convolution, 2));
        float[] point = new float[16];
        random.FillGaussian(point);

        double[,] jacobian = NumericalJacobian.Compute(coupling, point, 1e-2);

        var kept = new HashSet<int>(mask.IdentityIndices);
        for (int output = 0; output < 16; output++)
        {
            var expected = new SortedSet<int> { output };
            if (!kept.Contains(output))
            {
                expected.UnionWith(EdgeNeighbours(output).Where(kept.Contains));
            }

            var actual = new SortedSet<int>(
                Enumerable.Range(0, 16).Where(input => Math.Abs(jacobian[output, input]) > DependencyThreshold));
            Assert.Equal(expected, actual);
        }
    }

    private static IEnumerable<int> EdgeNeighbours(int pixel)
    {
        int row = pixel / 4;
        int column = pixel % 4;
        (int Row, int Column)[] steps = [(-1, 0), (1, 0), (0, -1), (0, 1)];
        foreach ((int dr, int dc) in steps)
        {
            int r = row + dr;
            int c = column + dc;
            if (r is >= 0 and < 4 && c is >= 0 and < 4)
            {
                yield return (r * 4) + c;
            }
        }
    }

    /// <summary>A conditioner that is one convolution of a 1x4x4 grid into two channels.</summary>
    private sealed class SingleConvolution(Conv2d convolution) : IConditioner
    {
        public int InputFeatures => 16;

        public int OutputFeatures => 32;

        public IReadOnlyList<Parameter> Parameters => [];

        public Tensor Forward(Tensor input)
        {
            var output = new Tensor(input.Rows, 32);
            convolution.Forward(input.Data, output.Data, input.Rows, 4, 4);
            return output;
        }

        public Tensor ForwardTraining(Tensor input) => Forward(input);

        public Tensor Backward(Tensor outputGradient) =>
            throw new NotSupportedException("This test conditioner is for inference only.");
    }
}
