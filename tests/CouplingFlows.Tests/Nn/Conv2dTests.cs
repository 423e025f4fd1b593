using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Nn;

public sealed class Conv2dTests
{
    /// <summary>float32 sums of at most 2·3·3 products of unit-scale values.</summary>
    private const float ForwardTolerance = 1e-5f;

    /// <summary>The loss is linear in x, K and b, so central differences are exact up to float32
    /// rounding of a loss of about 10 divided by 2h = 2e-2.</summary>
    private const double GradientTolerance = 2e-3;

    [Theory]
    [InlineData(3, 3, 5)]
    [InlineData(1, 4, 3)]
    [InlineData(5, 4, 4)]
    [InlineData(3, 16, 17)]
    [InlineData(1, 16, 16)]
    public void Forward_MatchesTheDefiningSum(int kernel, int height, int width)
    {
        var random = new RandomSource(1);
        var conv = new Conv2d("c", 2, 3, kernel, WeightInit.GlorotUniform, random);
        random.FillGaussian(conv.Bias.Value.Data);
        var x = new Tensor(2, 2, height, width);
        random.FillGaussian(x.Data);
        var y = new Tensor(2, 3, height, width);

        conv.Forward(x.Data, y.Data, 2, height, width);

        float[] expected = DirectConvolution(conv, x.Data, 2, height, width);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], y.Data[i], ForwardTolerance);
        }
    }

    /// <summary>Small images are grouped several to a matrix product; 16x16 ones go one at a time.</summary>
    [Theory]
    [InlineData(3, 3, 4)]
    [InlineData(1, 3, 4)]
    [InlineData(3, 16, 16)]
    [InlineData(1, 16, 16)]
    public void Backward_MatchesCentralDifferences(int kernel, int h, int w)
    {
        var random = new RandomSource(2);
        var conv = new Conv2d("c", 2, 3, kernel, WeightInit.GlorotUniform, random);
        random.FillGaussian(conv.Bias.Value.Data);
        int images = 3;
        var x = new Tensor(images, 2, h, w);
        random.FillGaussian(x.Data);
        var weights = new Tensor(images, 3, h, w);
        random.FillGaussian(weights.Data);
        double Loss()
        {
            var y = new Tensor(images, 3, h, w);
            conv.Forward(x.Data, y.Data, images, h, w);
            return y.Data.Zip(weights.Data, (a, b) => (double)a * b).Sum();
        }

        var dx = new Tensor(images, 2, h, w);
        conv.Backward(x.Data, weights.Data, dx.Data, images, h, w);

        AssertGradients(dx.Data, x.Data, Loss);
        AssertGradients(conv.Weight.Gradient.Data, conv.Weight.Value.Data, Loss);
        AssertGradients(conv.Bias.Gradient.Data, conv.Bias.Value.Data, Loss);
    }

    [Fact]
    public void Backward_Twice_AccumulatesParameterGradients()
    {
        var random = new RandomSource(3);
        var conv = new Conv2d("c", 1, 2, 3, WeightInit.GlorotUniform, random);
        var x = new Tensor(1, 1, 3, 3);
        random.FillGaussian(x.Data);
        var dy = new Tensor(1, 2, 3, 3);
        random.FillGaussian(dy.Data);

        conv.Backward(x.Data, dy.Data, [], 1, 3, 3);
        float[] once = (float[])conv.Weight.Gradient.Data.Clone();
        conv.Backward(x.Data, dy.Data, [], 1, 3, 3);

        for (int i = 0; i < once.Length; i++)
        {
            Assert.Equal(2 * once[i], conv.Weight.Gradient.Data[i], 1e-5f);
        }
    }

    [Fact]
    public void Initialize_Glorot_StaysWithinTheBoundAndZeroGivesTheBias()
    {
        var conv = new Conv2d("c", 4, 8, 3, WeightInit.GlorotUniform, new RandomSource(4));
        float bound = MathF.Sqrt(6f / ((4 + 8) * 9));

        Assert.All(conv.Weight.Value.Data, v => Assert.InRange(v, -bound, bound));
        Assert.Contains(conv.Weight.Value.Data, v => MathF.Abs(v) > bound / 2);

        conv.Initialize(WeightInit.Zeros, new RandomSource(5));
        conv.Bias.Value.Data[1] = 0.5f;
        var x = new Tensor(1, 4, 2, 2);
        x.Data.AsSpan().Fill(3f);
        var y = new Tensor(1, 8, 2, 2);
        conv.Forward(x.Data, y.Data, 1, 2, 2);

        Assert.All(y.Data.AsSpan(4, 4).ToArray(), v => Assert.Equal(0.5f, v));
        Assert.All(y.Data.AsSpan(0, 4).ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Constructor_EvenKernel_IsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => new Conv2d("c", 1, 1, 2, WeightInit.GlorotUniform, new RandomSource(0)));

        Assert.Equal("kernelSize", error.ParamName);
        Assert.Contains("odd", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Forward_ShortBuffer_IsRefused()
    {
        var conv = new Conv2d("c", 2, 2, 3, WeightInit.GlorotUniform, new RandomSource(0));

        var error = Assert.Throws<ArgumentException>(() => conv.Forward(new float[10], new float[32], 2, 2, 4));

        Assert.Contains("too short", error.Message, StringComparison.Ordinal);
    }

    private static float[] DirectConvolution(Conv2d conv, float[] x, int images, int height, int width)
    {
        int k = conv.KernelSize;
        int p = conv.Padding;
        (int cin, int cout) = (conv.InputChannels, conv.OutputChannels);
        float[] w = conv.Weight.Value.Data;
        float[] y = new float[images * cout * height * width];
        for (int n = 0; n < images; n++)
        {
            for (int o = 0; o < cout; o++)
            {
                for (int i = 0; i < height; i++)
                {
                    for (int j = 0; j < width; j++)
                    {
                        double sum = conv.Bias.Value.Data[o];
                        for (int c = 0; c < cin; c++)
                        {
                            for (int u = 0; u < k; u++)
                            {
                                for (int v = 0; v < k; v++)
                                {
                                    int si = i + u - p;
                                    int sj = j + v - p;
                                    if (si >= 0 && si < height && sj >= 0 && sj < width)
                                    {
                                        float input = x[(((((n * cin) + c) * height) + si) * width) + sj];
                                        sum += w[(((((o * cin) + c) * k) + u) * k) + v] * input;
                                    }
                                }
                            }
                        }

                        y[(((((n * cout) + o) * height) + i) * width) + j] = (float)sum;
                    }
                }
            }
        }

        return y;
    }

    private static void AssertGradients(float[] analytic, float[] values, Func<double> loss)
    {
        const float Step = 1e-2f;
        for (int i = 0; i < values.Length; i++)
        {
            float original = values[i];
            values[i] = original + Step;
            double plus = loss();
            values[i] = original - Step;
            double minus = loss();
            values[i] = original;
            double numeric = (plus - minus) / (2 * Step);
            Assert.True(
                Math.Abs(numeric - analytic[i]) <= GradientTolerance * Math.Max(1, Math.Abs(numeric)),
                $"entry {i}: analytic {analytic[i]} vs numeric {numeric}.");
        }
    }
}
