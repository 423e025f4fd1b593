using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Nn;

public sealed class ResidualConvNetTests
{
    /// <summary>Relative tolerance of analytic vs central differences through tanh layers in float32.</summary>
    private const double GradientTolerance = 2e-2;

    [Fact]
    public void Forward_ZeroLastLayer_GivesZeroForEveryInput()
    {
        var options = new ResidualConvNetOptions(8, 2, ZeroLastLayer: true);
        var net = new ResidualConvNet("n", new ImageShape(2, 4, 4), 4, options, new RandomSource(1));
        var x = new Tensor(3, 32);
        new RandomSource(2).FillGaussian(x.Data, 3f);

        Tensor theta = net.Forward(x);

        Assert.True(theta.HasShape(3, 64));
        Assert.All(theta.Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Forward_GlorotStart_IsSmallButNotZero()
    {
        var net = new ResidualConvNet(
            "n", new ImageShape(1, 8, 8), 2, new ResidualConvNetOptions(16, 2), new RandomSource(1));
        var x = new Tensor(4, 64);
        new RandomSource(2).FillGaussian(x.Data);

        Tensor theta = net.Forward(x);

        double rms = Math.Sqrt(theta.Data.Average(v => (double)v * v));
        Assert.InRange(rms, 1e-3, 3.0);
    }

    [Fact]
    public void Forward_ManyRows_EqualsTrainingForwardAndRowByRow()
    {
        var net = new ResidualConvNet(
            "n", new ImageShape(1, 2, 3), 2, new ResidualConvNetOptions(3, 1, Activation.Elu), new RandomSource(3));
        int rows = ResidualConvNet.ChunkImages + 5;
        var x = new Tensor(rows, 6);
        new RandomSource(4).FillGaussian(x.Data);

        Tensor chunked = net.Forward(x);
        float[] training = net.ForwardTraining(x).Data.ToArray();
        float[] last = net.Forward(new Tensor(x.Row(rows - 1).ToArray(), 1, 6)).Data;

        Assert.Equal(training, chunked.Data);
        Assert.Equal(chunked.Row(rows - 1).ToArray(), last);
    }

    [Fact]
    public void Backward_MatchesCentralDifferences()
    {
        var random = new RandomSource(5);
        var net = new ResidualConvNet(
            "n", new ImageShape(2, 3, 3), 3, new ResidualConvNetOptions(4, 2, Activation.Tanh), random);
        var x = new Tensor(2, 18);
        random.FillGaussian(x.Data);
        var weights = new Tensor(2, 27);
        random.FillGaussian(weights.Data);
        double Loss() => net.Forward(x).Data.Zip(weights.Data, (a, b) => (double)a * b).Sum();

        net.ForwardTraining(x);
        float[] dx = net.Backward(weights).Data.ToArray();

        AssertGradients("x", dx, x.Data, Loss, x.Length);
        foreach (Parameter parameter in net.Parameters)
        {
            AssertGradients(parameter.Name, parameter.Gradient.Data, parameter.Value.Data, Loss, 10);
        }
    }

    [Fact]
    public void Forward_WrongWidth_IsRefusedNamingTheShape()
    {
        var net = new ResidualConvNet(
            "n", new ImageShape(1, 4, 4), 2, new ResidualConvNetOptions(2, 0), new RandomSource(0));

        var error = Assert.Throws<ArgumentException>(() => net.Forward(new Tensor(2, 15)));

        Assert.Equal("input", error.ParamName);
        Assert.Contains("1x4x4", error.Message, StringComparison.Ordinal);
    }

    private static void AssertGradients(string name, float[] analytic, float[] values, Func<double> loss, int count)
    {
        const float Step = 3e-3f;
        for (int k = 0; k < Math.Min(count, values.Length); k++)
        {
            int i = (k * 7919) % values.Length;
            float original = values[i];
            values[i] = original + Step;
            double plus = loss();
            values[i] = original - Step;
            double minus = loss();
            values[i] = original;
            double numeric = (plus - minus) / (2 * Step);
            Assert.True(
                Math.Abs(numeric - analytic[i]) <= GradientTolerance * Math.Max(1, Math.Abs(numeric)),
                $"{name}[{i}]: analytic {analytic[i]} vs numeric {numeric}.");
        }
    }
}
