using CouplingFlows.Numerics;
using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Tests.Transforms;

public sealed class SplineKernelTests
{
    /// <summary>Step of the central differences on the double reference: truncation O(ε²) ≈ 1e-10
    /// and rounding ≈ 1e-16 / ε ≈ 1e-10, both far below the tolerance.</summary>
    private const double ReferenceStep = 1e-6;

    /// <summary>The analytic gradient works from float knots (relative error ≈ 1e-7) and is rounded
    /// to float; 1e-4 relative covers that with margin.</summary>
    private const double GradientRelativeTolerance = 1e-4;

    /// <summary>Float softmax shares carry a relative error of a few ulps, so a knot on [−2, 2] lies
    /// within a few times 2B · 6e-8 ≈ 2.4e-7 of the double one.</summary>
    private const double KnotTolerance = 1e-6;

    /// <summary>Given the same knots both evaluate in double; only the final float rounding differs
    /// (half an ulp: ≤ 1.2e-7 for |y| ≤ 2, relative 6e-8 for the log).</summary>
    private const double OutputRoundingTolerance = 3e-7;

    /// <summary>Absolute floor for gradients near zero.</summary>
    private const double GradientAbsoluteTolerance = 1e-5;

    [Fact]
    public void ChainToRaw_RandomSplines_MatchesCentralDifferencesOfDoubleReference()
    {
        var options = new SplineOptions(binCount: 5, tailBound: 3f);
        var random = new RandomSource(41);
        int checkedCount = 0;

        for (int trial = 0; trial < 24; trial++)
        {
            float[] raw = SplineFixtures.RandomRaw(options, random, trial < 12 ? 1f : 2.5f);
            float x = (random.NextSingle() * 5.6f) - 2.8f;
            float gy = (float)random.NextGaussian();
            float gl = (float)random.NextGaussian();

            (float dx, float[] dRaw) = Gradients(raw, options, x, gy, gl);

            double[] shifted = [.. raw.Select(value => (double)value)];
            for (int i = 0; i < raw.Length; i++)
            {
                shifted[i] = raw[i] + ReferenceStep;
                double plus = ReferenceLoss(shifted, options, x, gy, gl);
                shifted[i] = raw[i] - ReferenceStep;
                double minus = ReferenceLoss(shifted, options, x, gy, gl);
                shifted[i] = raw[i];
                AssertClose((plus - minus) / (2 * ReferenceStep), dRaw[i], $"raw[{i}] of trial {trial}");
                checkedCount++;
            }

            double xPlus = ReferenceLoss(shifted, options, x + ReferenceStep, gy, gl);
            double xMinus = ReferenceLoss(shifted, options, x - ReferenceStep, gy, gl);
            AssertClose((xPlus - xMinus) / (2 * ReferenceStep), dx, $"x of trial {trial}");
        }

        Assert.Equal(24 * 14, checkedCount);
    }

    [Fact]
    public void Parameterize_RandomRaw_KnotsMatchDoubleReference()
    {
        var options = new SplineOptions(binCount: 7, tailBound: 2f);
        var random = new RandomSource(43);

        for (int trial = 0; trial < 20; trial++)
        {
            float[] raw = SplineFixtures.RandomRaw(options, random, trial < 10 ? 1.5f : 4f);
            var spline = RationalQuadraticSpline.FromUnnormalized(raw, options);
            (double[] x, double[] y, double[] d) = ReferenceSpline.Knots([.. raw.Select(v => (double)v)], options);

            for (int j = 0; j <= options.BinCount; j++)
            {
                Assert.Equal(x[j], spline.KnotX[j], KnotTolerance);
                Assert.Equal(y[j], spline.KnotY[j], KnotTolerance);
                Assert.Equal(d[j], spline.KnotDerivatives[j], KnotTolerance * d[j]);
            }
        }
    }

    [Fact]
    public void Forward_RandomRaw_MatchesDoubleReferenceOnSameKnots()
    {
        var options = new SplineOptions(binCount: 7, tailBound: 2f);
        var random = new RandomSource(47);

        for (int trial = 0; trial < 20; trial++)
        {
            var spline = RationalQuadraticSpline.FromUnnormalized(
                SplineFixtures.RandomRaw(options, random, 2f), options);
            double[] knotX = [.. spline.KnotX.Select(v => (double)v)];
            double[] knotY = [.. spline.KnotY.Select(v => (double)v)];
            double[] d = [.. spline.KnotDerivatives.Select(v => (double)v)];
            for (float x = -2.5f; x <= 2.5f; x += 0.03125f)
            {
                (double y, double logAbsDet) = ReferenceSpline.Evaluate(knotX, knotY, d, x);
                SplineValue value = spline.Forward(x);

                Assert.Equal(y, value.Output, OutputRoundingTolerance);
                Assert.Equal(logAbsDet, value.LogAbsDet, OutputRoundingTolerance * Math.Max(1.0, Math.Abs(logAbsDet)));
            }
        }
    }

    [Fact]
    public void ChainToRaw_SplineSAtInverseOutputs_TailRowsGetExactlyZero()
    {
        float[] raw = SplineFixtures.RawForSplineS();
        SplineOptions options = SplineFixtures.Options;
        float[] x = [3.5f, 0f, -4f];

        (float dxAbove, float[] above) = Gradients(raw, options, x[0], 0.8f, -1f);
        (float dxInside, float[] inside) = Gradients(raw, options, x[1], 0.8f, -1f);
        (float dxBelow, float[] below) = Gradients(raw, options, x[2], 0.8f, -1f);

        Assert.All(above, value => Assert.Equal(0f, value));
        Assert.All(below, value => Assert.Equal(0f, value));
        Assert.Equal(0.8f, dxAbove);
        Assert.Equal(0.8f, dxBelow);
        Assert.All(inside, value => Assert.True(float.IsFinite(value)));
        Assert.Contains(inside, value => value != 0f);
        Assert.True(float.IsFinite(dxInside));
    }

    [Fact]
    public void Backward_KnotGradients_SumToTranslationInvariants()
    {
        // Shifting x and every x-knot together leaves y unchanged; shifting every y-knot shifts y.
        float[] kx = SplineFixtures.KnotX;
        float[] ky = SplineFixtures.KnotY;
        float[] kd = SplineFixtures.Derivatives;
        float[] buffer = new float[SplineKnotGradients.Length(3)];
        var gradients = new SplineKnotGradients(buffer, 3);

        float dx = SplineKernel.Backward(-0.3f, kx, ky, kd, 1.5f, 0.25f, gradients);

        Assert.Equal(0.0, dx + buffer[..4].Sum(), 1e-5);
        Assert.Equal(1.5, buffer[4..8].Sum(), 1e-5);
    }

    [Theory]
    [InlineData(1e-3f)]
    [InlineData(0.25f)]
    [InlineData(1e-7f)]
    public void Parameterize_ZeroRawDerivative_IsExactlyOne(float minimum)
    {
        var options = new SplineOptions(binCount: 3, minDerivative: minimum);
        float[] raw = [0.3f, -1f, 2f, 0.1f, 0.2f, 0.3f, 0f, 0f];

        float[] derivatives = Derivatives(raw, options);

        Assert.Equal([1f, 1f, 1f, 1f], derivatives);
    }

    [Fact]
    public void Parameterize_ExtremeRawDerivatives_ApproachBoundsWithoutOverflow()
    {
        var options = new SplineOptions(binCount: 4);
        float[] raw = [0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, -200f, 200f, -9f];

        float[] derivatives = Derivatives(raw, options);

        Assert.Equal(1e-3f, derivatives[1]);
        Assert.Equal(1e-3 + (200.0 * 0.999 / Math.Log(2.0)), derivatives[2], 1e-3);
        Assert.Equal(1e-3 + (0.999 * Math.Log(1.0 + Math.Exp(-9.0)) / Math.Log(2.0)), derivatives[3], 1e-9);
    }

    private static float[] Derivatives(float[] raw, SplineOptions options)
    {
        var knots = new SplineKnots(new float[SplineKnots.Length(options.BinCount)], options.BinCount);
        SplineParameterization.Parameterize(raw, options, knots);

        return knots.Derivatives.ToArray();
    }

    private static (float InputGradient, float[] RawGradient) Gradients(
        float[] raw, SplineOptions options, float x, float gy, float gl)
    {
        int k = options.BinCount;
        var knots = new SplineKnots(new float[SplineKnots.Length(k)], k);
        var gradients = new SplineKnotGradients(new float[SplineKnotGradients.Length(k)], k);
        float[] shares = new float[2 * k];
        double[] exponentials = new double[k - 1];
        double[] logs = new double[k - 1];
        float[] dRaw = new float[raw.Length];
        SplineParameterization.Exponentiate(raw, options, 1, shares, exponentials, logs);
        SplineParameterization.Parameterize(raw, shares, logs, options, knots);
        float dx = SplineKernel.Backward(x, knots.X, knots.Y, knots.Derivatives, gy, gl, gradients);
        SplineParameterization.ChainToRaw(raw, exponentials, options, knots, gradients, dRaw);

        return (dx, dRaw);
    }

    private static double ReferenceLoss(double[] raw, SplineOptions options, double x, float gy, float gl)
    {
        (double y, double logAbsDet) = ReferenceSpline.Forward(raw, options, x);

        return (gy * y) + (gl * logAbsDet);
    }

    private static void AssertClose(double numeric, double analytic, string what)
    {
        double allowed = GradientAbsoluteTolerance + (GradientRelativeTolerance * Math.Abs(numeric));
        Assert.True(
            Math.Abs(numeric - analytic) <= allowed,
            $"{what}: analytic {analytic} vs central difference {numeric}.");
    }
}
