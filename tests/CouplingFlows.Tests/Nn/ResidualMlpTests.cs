using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Nn;

public sealed class ResidualMlpTests
{
    /// <summary>Central-difference step in float: rounding noise ≈ 1e-7 · |L| / ε ≈ 1e-5, truncation
    /// ε² |L'''| / 6 ≈ 1e-5 for these small smooth networks.</summary>
    private const float Step = 1e-2f;

    /// <summary>Relative tolerance of a gradient against its central difference.</summary>
    private const double RelativeTolerance = 5e-3;

    /// <summary>Absolute floor for near-zero gradients: noise plus truncation above.</summary>
    private const double AbsoluteTolerance = 2e-4;

    [Theory]
    [InlineData(Activation.Tanh, 2)]
    [InlineData(Activation.Elu, 1)]
    [InlineData(Activation.Tanh, 0)]
    public void Backward_SmoothActivation_MatchesCentralDifferences(Activation activation, int blocks)
    {
        var random = new RandomSource(5);
        var net = new ResidualMlp("r", 3, 4, new ResidualMlpOptions(5, blocks, activation), random);
        Tensor x = Gaussian(6, 3, random);
        float[] weights = Draw(6 * 4, random);

        net.ForwardTraining(x);
        Tensor inputGradient = net.Backward(new Tensor(weights, 6, 4));
        float[] inputAnalytic = inputGradient.Data.ToArray();
        Tensor probe = x.Clone();

        double Loss() => Weighted(net.Forward(probe), weights);
        Check(probe.Data, inputAnalytic, Loss, "x");
        foreach (Parameter parameter in net.Parameters)
        {
            float[] analytic = parameter.Gradient.Data.ToArray();
            Assert.Contains(analytic, value => value != 0f);
            Check(parameter.Value.Data, analytic, Loss, parameter.Name);
        }
    }

    [Fact]
    public void Forward_ZeroLastLayer_OutputsZero()
    {
        var net = new ResidualMlp(
            "r", 3, 7, new ResidualMlpOptions(8, 2, ZeroLastLayer: true), new RandomSource(1));

        Tensor output = net.Forward(Gaussian(5, 3, new RandomSource(2)));

        Assert.All(output.Data, value => Assert.Equal(0f, value));
        Assert.All(net.OutputLayer.Weight.Value.Data, value => Assert.Equal(0f, value));
    }

    [Fact]
    public void Constructor_GlorotDefault_WeightsWithinGlorotBound()
    {
        var net = new ResidualMlp("r", 3, 7, new ResidualMlpOptions(8, 1), new RandomSource(3));

        float outputBound = MathF.Sqrt(6f / (8 + 7));
        float blockBound = MathF.Sqrt(6f / (8 + 8));

        Assert.All(net.OutputLayer.Weight.Value.Data, value => Assert.InRange(value, -outputBound, outputBound));
        Assert.All(net.Parameters[2].Value.Data, value => Assert.InRange(value, -blockBound, blockBound));
        Assert.Contains(net.OutputLayer.Weight.Value.Data, value => value != 0f);
    }

    [Fact]
    public void Parameters_TwoBlocks_CountsAndNamesInOrder()
    {
        var net = new ResidualMlp("r", 3, 7, new ResidualMlpOptions(8, 2), new RandomSource(4));

        int total = net.Parameters.Sum(parameter => parameter.Value.Length);

        Assert.Equal((3 * 8) + 8 + (2 * 2 * ((8 * 8) + 8)) + (8 * 7) + 7, total);
        Assert.Equal(
            ["r.input.weight", "r.input.bias", "r.block0.first.weight", "r.block0.first.bias",
                "r.block0.second.weight", "r.block0.second.bias", "r.block1.first.weight", "r.block1.first.bias",
                "r.block1.second.weight", "r.block1.second.bias", "r.output.weight", "r.output.bias"],
            net.Parameters.Select(parameter => parameter.Name));
    }

    [Fact]
    public void ForwardTraining_SameInput_EqualsForward()
    {
        var net = new ResidualMlp("r", 3, 7, new ResidualMlpOptions(16, 3), new RandomSource(6));
        Tensor x = Gaussian(9, 3, new RandomSource(7));

        Tensor inference = net.Forward(x);
        Tensor training = net.ForwardTraining(x);

        Assert.Equal(inference.Data, training.Data);
    }

    [Fact]
    public void Forward_ManyThreads_SameResultAsOneThread()
    {
        var net = new ResidualMlp("r", 3, 7, new ResidualMlpOptions(32, 2), new RandomSource(8));
        Tensor x = Gaussian(33, 3, new RandomSource(9));
        float[] expected = net.Forward(x).Data;
        var results = new float[8][];

        Parallel.For(0, results.Length, i => results[i] = net.Forward(x).Data);

        Assert.All(results, result => Assert.Equal(expected, result));
    }

    [Fact]
    public void Constructor_SameSeed_SameParameters()
    {
        var first = new ResidualMlp("r", 3, 7, new ResidualMlpOptions(8, 2), new RandomSource(10));
        var second = new ResidualMlp("r", 3, 7, new ResidualMlpOptions(8, 2), new RandomSource(10));

        for (int p = 0; p < first.Parameters.Count; p++)
        {
            Assert.Equal(first.Parameters[p].Value.Data, second.Parameters[p].Value.Data);
        }
    }

    [Fact]
    public void Backward_BeforeForwardTraining_Throws()
    {
        var net = new ResidualMlp("r", 3, 7, new ResidualMlpOptions(8, 2), new RandomSource(11));

        var error = Assert.Throws<InvalidOperationException>(() => net.Backward(new Tensor(1, 7)));

        Assert.Contains("before ForwardTraining", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ZeroHiddenFeatures_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ResidualMlp("r", 3, 7, new ResidualMlpOptions(0, 2), new RandomSource(12)));

        Assert.Equal("options", error.ParamName);
        Assert.Contains("0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NegativeBlocks_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new ResidualMlp("r", 3, 7, new ResidualMlpOptions(8, -1), new RandomSource(13)));

        Assert.Equal("options", error.ParamName);
        Assert.Contains("-1", error.Message, StringComparison.Ordinal);
    }

    private static Tensor Gaussian(int rows, int columns, RandomSource random)
    {
        var tensor = new Tensor(rows, columns);
        random.FillGaussian(tensor.Data);

        return tensor;
    }

    private static float[] Draw(int count, RandomSource random)
    {
        float[] values = new float[count];
        random.FillGaussian(values);

        return values;
    }

    private static double Weighted(Tensor output, float[] weights)
    {
        double sum = 0.0;
        for (int i = 0; i < weights.Length; i++)
        {
            sum += weights[i] * (double)output.Data[i];
        }

        return sum;
    }

    private static void Check(float[] values, float[] analytic, Func<double> loss, string name)
    {
        for (int k = 0; k < values.Length; k++)
        {
            float saved = values[k];
            values[k] = saved + Step;
            double plus = loss();
            values[k] = saved - Step;
            double minus = loss();
            values[k] = saved;
            double numeric = (plus - minus) / (2.0 * Step);
            double allowed = AbsoluteTolerance + (RelativeTolerance * Math.Abs(numeric));
            Assert.True(
                Math.Abs(numeric - analytic[k]) <= allowed,
                $"{name}[{k}]: analytic {analytic[k]} vs central difference {numeric}.");
        }
    }
}
