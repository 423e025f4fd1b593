using CouplingFlows.Numerics;
using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Tests.Transforms;

public sealed class RationalQuadraticSplineTests
{
    /// <summary>Outputs of magnitude ≤ 3 round to float with an error below 2.4e-7 (half an ulp is
    /// 1.2e-7 there); 1e-6 leaves room for the rounding of the log.</summary>
    private const double ExactTolerance = 1e-6;

    /// <summary>The issue asks for a round trip within 1e-5 in float32.</summary>
    private const float RoundTripTolerance = 1e-5f;

    /// <summary>10⁻⁴ inside a bound the log-slope differs from 0 by 10⁻⁴ · |(ln g′)′|, below 10⁻² for
    /// these splines.</summary>
    private const double SlopeContinuityTolerance = 1e-2;

    public static TheoryData<float, double, double> SplineSForwardPoints => new()
    {
        { -3f, -3.0, 0.0 },
        { -2f, -2.4, Math.Log(0.4) },
        { -1f, -2.0, Math.Log(0.5) },
        { 0f, -0.2, Math.Log(2.64) },
        { 0.5f, 1.0, Math.Log(2.0) },
        { 1.75f, 51.0 / 23.0, Math.Log(64.0 / 115.0) },
        { 3f, 3.0, 0.0 },
    };

    [Theory]
    [MemberData(nameof(SplineSForwardPoints))]
    public void Forward_SplineSRightValues_MatchIssue(float x, double expectedY, double expectedLogAbsDet)
    {
        RationalQuadraticSpline spline = SplineFixtures.SplineS();

        SplineValue result = spline.Forward(x);

        Assert.Equal(expectedY, result.Output, ExactTolerance);
        Assert.Equal(expectedLogAbsDet, result.LogAbsDet, ExactTolerance);
    }

    [Fact]
    public void Forward_SplineSAtOneAndThreeQuarters_LogAbsDetIsIssueValue()
    {
        RationalQuadraticSpline spline = SplineFixtures.SplineS();

        SplineValue result = spline.Forward(1.75f);

        Assert.Equal(-0.586049, result.LogAbsDet, ExactTolerance);
    }

    [Fact]
    public void Inverse_SplineSInsideAndOutside_MatchesIssue()
    {
        RationalQuadraticSpline spline = SplineFixtures.SplineS();
        float[] y = [3.5f, -0.2f, -4f];
        float[] x = new float[3];
        float[] logAbsDet = new float[3];

        spline.Inverse(y, x, logAbsDet);

        Assert.Equal(3.5f, x[0]);
        Assert.Equal(0.0, x[1], ExactTolerance);
        Assert.Equal(-4f, x[2]);
        Assert.Equal(0f, logAbsDet[0]);
        Assert.Equal(-0.970779, logAbsDet[1], ExactTolerance);
        Assert.Equal(0f, logAbsDet[2]);
    }

    [Fact]
    public void ForwardInBin_SplineSInteriorKnots_SameBitsFromEitherBin()
    {
        float[] kx = SplineFixtures.KnotX;
        float[] ky = SplineFixtures.KnotY;
        float[] kd = SplineFixtures.Derivatives;

        for (int j = 1; j < kx.Length - 1; j++)
        {
            SplineValue left = SplineKernel.ForwardInBin(j - 1, kx[j], kx, ky, kd);
            SplineValue right = SplineKernel.ForwardInBin(j, kx[j], kx, ky, kd);

            Assert.Equal(ky[j], left.Output);
            Assert.Equal(right, left);
            Assert.Equal(MathF.Log(kd[j]), left.LogAbsDet, ExactTolerance);
        }
    }

    [Fact]
    public void InverseInBin_SplineSInteriorKnots_SameBitsFromEitherBin()
    {
        float[] kx = SplineFixtures.KnotX;
        float[] ky = SplineFixtures.KnotY;
        float[] kd = SplineFixtures.Derivatives;

        for (int j = 1; j < kx.Length - 1; j++)
        {
            SplineValue left = SplineKernel.InverseInBin(j - 1, ky[j], kx, ky, kd);
            SplineValue right = SplineKernel.InverseInBin(j, ky[j], kx, ky, kd);

            Assert.Equal(kx[j], left.Output);
            Assert.Equal(right, left);
        }
    }

    [Fact]
    public void Forward_TailBoundFourBeyondRange_ReturnsInputWithZeroLogAbsDet()
    {
        var options = new SplineOptions(binCount: 5, tailBound: 4f);
        float[] raw = SplineFixtures.RandomRaw(options, new RandomSource(3), 2f);
        var spline = RationalQuadraticSpline.FromUnnormalized(raw, options);
        float[] x = [5f, -6f];
        float[] y = new float[2];
        float[] logAbsDet = new float[2];

        spline.Forward(x, y, logAbsDet);

        Assert.Equal(x, y);
        Assert.Equal([0f, 0f], logAbsDet);
    }

    [Fact]
    public void Forward_EmptySpan_WritesNothing()
    {
        RationalQuadraticSpline spline = SplineFixtures.SplineS();

        spline.Forward([], [], []);
        spline.Inverse([], [], []);

        Assert.Equal(3, spline.BinCount);
    }

    [Fact]
    public void Inverse_NearDegenerateTwoBinSplineAtTop_ReturnsOneWithLargeLogAbsDet()
    {
        var spline = new RationalQuadraticSpline([0f, 0.9f, 1f], [0f, 0.1f, 1f], [1f, 0.001f, 0.001f]);

        SplineValue result = spline.Inverse(1f);

        Assert.Equal(1f, result.Output);
        Assert.Equal(6.907755, result.LogAbsDet, 1e-5);
    }

    [Fact]
    public void Inverse_NearDegenerateSweepNearTop_FiniteInsideAndRoundTrips()
    {
        var spline = new RationalQuadraticSpline([0f, 0.9f, 1f], [0f, 0.1f, 1f], [1f, 0.001f, 0.001f]);
        float y = 1f;

        for (int i = 0; i < 2000; i++)
        {
            SplineValue inverse = spline.Inverse(y);
            SplineValue forward = spline.Forward(inverse.Output);

            Assert.True(float.IsFinite(inverse.Output) && float.IsFinite(inverse.LogAbsDet));
            Assert.InRange(inverse.Output, 0f, 1f);
            Assert.Equal(y, forward.Output, 1e-6f);
            y = MathF.BitDecrement(y);
        }
    }

    [Fact]
    public void Inverse_VanishingDerivativeWhereDiscriminantUnderflows_StaysFinite()
    {
        // With dₖ₊₁ = 1e-30 the exact discriminant at the top of the bin is hₖ² dₖ₊₁² ≈ 1e-60, far
        // below the rounding of b² ≈ 262, so b² − 4ac rounds to either sign and must be clamped.
        var spline = new RationalQuadraticSpline([0f, 0.9f, 1f], [0f, 0.1f, 1f], [1f, 1e-30f, 1e-30f]);
        float[] y = SplineFixtures.Sweep(0.1f, 1f, 4001, [MathF.BitDecrement(1f), 0.99999f]);

        foreach (float value in y)
        {
            SplineValue result = spline.Inverse(value);

            Assert.False(float.IsNaN(result.Output) || float.IsNaN(result.LogAbsDet));
            Assert.InRange(result.Output, 0.9f, 1f);
        }
    }

    [Fact]
    public void Inverse_IdentitySpline_ReturnsInputUnchanged()
    {
        var spline = new RationalQuadraticSpline([-2f, -1f, 0.5f, 2f], [-2f, -1f, 0.5f, 2f], [1f, 1f, 1f, 1f]);
        float[] values = SplineFixtures.Sweep(-2.5f, 2.5f, 1001, [1e-20f, -1e-30f, 0.1f]);

        foreach (float value in values)
        {
            Assert.Equal(new SplineValue(value, 0f), spline.Forward(value));
            Assert.Equal(new SplineValue(value, 0f), spline.Inverse(value));
        }
    }

    [Fact]
    public void Inverse_LinearBinOffDiagonal_SolvesWithZeroLeadingCoefficient()
    {
        // Bin 0 has slope s = 1.5 and d₀ = d₁ = 1.5, so a = 0 there; bin 1 is a genuine curve.
        var spline = new RationalQuadraticSpline([-2f, 0f, 2f], [-2f, 1f, 2f], [1.5f, 1.5f, 1f]);

        for (float y = -2f; y <= 1f; y += 0.125f)
        {
            SplineValue result = spline.Inverse(y);

            Assert.Equal(-2.0 + ((y + 2.0) / 1.5), result.Output, ExactTolerance);
            Assert.Equal(-Math.Log(1.5), result.LogAbsDet, ExactTolerance);
        }
    }

    [Fact]
    public void Inverse_RandomSplinesDenseSweepWithKnots_RoundTripsWithinTolerance()
    {
        // Raw values of spread 0.5, about what a freshly initialised conditioner emits.
        var options = new SplineOptions();
        var random = new RandomSource(17);
        float worst = 0f;

        for (int trial = 0; trial < 20; trial++)
        {
            var spline = RationalQuadraticSpline.FromUnnormalized(
                SplineFixtures.RandomRaw(options, random, 0.5f), options);
            float[] x = SplineFixtures.Sweep(-3f, 3f, 4001, spline.KnotX);
            foreach (float value in x)
            {
                float back = spline.Inverse(spline.Forward(value).Output).Output;
                worst = MathF.Max(worst, MathF.Abs(back - value));
            }
        }

        Assert.InRange(worst, 0f, RoundTripTolerance);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(2f)]
    [InlineData(4f)]
    public void Inverse_SteepAndFlatRandomSplines_RoundTripsToFloatResolutionOfOutput(float scale)
    {
        // Where the slope g' is tiny, every x in an interval of width ulp(y) / g' rounds to the same
        // float y, so no inverse can do better than that; this asserts it does no worse.
        var options = new SplineOptions();
        var random = new RandomSource(19);

        for (int trial = 0; trial < 20; trial++)
        {
            var spline = RationalQuadraticSpline.FromUnnormalized(
                SplineFixtures.RandomRaw(options, random, scale), options);
            foreach (float x in SplineFixtures.Sweep(-3f, 3f, 2001, spline.KnotX))
            {
                SplineValue forward = spline.Forward(x);
                float back = spline.Inverse(forward.Output).Output;
                double allowed = (Ulp(forward.Output) / Math.Exp(forward.LogAbsDet)) + Ulp(x);

                Assert.True(
                    Math.Abs(back - x) <= allowed,
                    $"x = {x}: came back as {back}, more than {allowed} away.");
            }
        }
    }

    [Fact]
    public void Inverse_RandomSplines_LogAbsDetIsMinusForward()
    {
        var options = new SplineOptions();
        var random = new RandomSource(5);
        var spline = RationalQuadraticSpline.FromUnnormalized(SplineFixtures.RandomRaw(options, random, 1f), options);

        foreach (float x in SplineFixtures.Sweep(-3.5f, 3.5f, 701, spline.KnotX))
        {
            SplineValue forward = spline.Forward(x);
            SplineValue inverse = spline.Inverse(forward.Output);

            Assert.Equal(-forward.LogAbsDet, inverse.LogAbsDet, 1e-4);
        }
    }

    [Fact]
    public void Forward_RandomSplinesDenseSweep_IsMonotone()
    {
        var options = new SplineOptions(binCount: 10);
        var random = new RandomSource(23);

        for (int trial = 0; trial < 10; trial++)
        {
            var spline = RationalQuadraticSpline.FromUnnormalized(
                SplineFixtures.RandomRaw(options, random, 2f), options);
            float[] x = SplineFixtures.Sweep(-3.5f, 3.5f, 7001, spline.KnotX);
            float previous = float.NegativeInfinity;
            foreach (float value in x)
            {
                float y = spline.Forward(value).Output;

                Assert.True(y >= previous, $"y({value}) = {y} is below the previous {previous}.");
                previous = y;
            }
        }
    }

    [Fact]
    public void ForwardInBin_RandomSplinesAtKnots_ValueAndSlopeAgreeFromBothSides()
    {
        var options = new SplineOptions();
        var random = new RandomSource(29);

        for (int trial = 0; trial < 10; trial++)
        {
            var spline = RationalQuadraticSpline.FromUnnormalized(
                SplineFixtures.RandomRaw(options, random, 1.5f), options);
            float[] kx = [.. spline.KnotX];
            float[] ky = [.. spline.KnotY];
            float[] kd = [.. spline.KnotDerivatives];
            for (int j = 1; j < options.BinCount; j++)
            {
                SplineValue left = SplineKernel.ForwardInBin(j - 1, kx[j], kx, ky, kd);
                SplineValue right = SplineKernel.ForwardInBin(j, kx[j], kx, ky, kd);

                Assert.Equal(right, left);
                Assert.Equal(ky[j], left.Output);
                Assert.Equal(Math.Log(kd[j]), left.LogAbsDet, ExactTolerance);
            }
        }
    }

    [Fact]
    public void Forward_RandomSplineAtTailBounds_SlopeJoinsIdentityTails()
    {
        var options = new SplineOptions();
        var spline = RationalQuadraticSpline.FromUnnormalized(
            SplineFixtures.RandomRaw(options, new RandomSource(31), 1.5f), options);

        foreach (float bound in new[] { -3f, 3f })
        {
            SplineValue at = spline.Forward(bound);
            float inside = spline.Forward(bound - (MathF.Sign(bound) * 1e-4f)).LogAbsDet;

            Assert.Equal(new SplineValue(bound, 0f), at);
            Assert.Equal(0f, spline.Forward(bound * 1.0001f).LogAbsDet);
            Assert.Equal(0.0, inside, SlopeContinuityTolerance);
        }
    }

    [Fact]
    public void FromUnnormalized_SplineSRaw_ReproducesSplineS()
    {
        float[] raw = SplineFixtures.RawForSplineS();

        var spline = RationalQuadraticSpline.FromUnnormalized(raw, SplineFixtures.Options);

        for (int j = 0; j < 4; j++)
        {
            Assert.Equal(SplineFixtures.KnotX[j], spline.KnotX[j], 1e-5f);
            Assert.Equal(SplineFixtures.KnotY[j], spline.KnotY[j], 1e-5f);
            Assert.Equal(SplineFixtures.Derivatives[j], spline.KnotDerivatives[j], 1e-5f);
        }
    }

    [Fact]
    public void FromUnnormalized_ZeroRaw_IsExactIdentity()
    {
        var options = new SplineOptions(binCount: 7, minBinWidth: 0.01f, minBinHeight: 0.05f);
        var spline = RationalQuadraticSpline.FromUnnormalized(new float[options.ParametersPerFeature], options);

        foreach (float x in SplineFixtures.Sweep(-3.5f, 3.5f, 1001, [1e-12f, -3e-9f]))
        {
            Assert.Equal(new SplineValue(x, 0f), spline.Forward(x));
            Assert.Equal(new SplineValue(x, 0f), spline.Inverse(x));
        }
    }

    [Fact]
    public void FromUnnormalized_RandomRaw_RespectsGuardsAndBounds()
    {
        var options = new SplineOptions(binCount: 6, tailBound: 2f);
        float[] raw = SplineFixtures.RandomRaw(options, new RandomSource(31), 20f);

        var spline = RationalQuadraticSpline.FromUnnormalized(raw, options);

        Assert.Equal(-2f, spline.KnotX[0]);
        Assert.Equal(2f, spline.KnotX[6]);
        Assert.Equal(-2f, spline.KnotY[0]);
        Assert.Equal(2f, spline.KnotY[6]);
        Assert.Equal(1f, spline.KnotDerivatives[0]);
        Assert.Equal(1f, spline.KnotDerivatives[6]);
        for (int k = 0; k < 6; k++)
        {
            Assert.True(spline.KnotX[k + 1] - spline.KnotX[k] >= 4f * options.MinBinWidth * 0.999f);
            Assert.True(spline.KnotY[k + 1] - spline.KnotY[k] >= 4f * options.MinBinHeight * 0.999f);
            Assert.True(spline.KnotDerivatives[k] >= options.MinDerivative * 0.999f);
        }
    }

    [Fact]
    public void Backward_SplineS_MatchesCentralDifferenceOfLoss()
    {
        RationalQuadraticSpline spline = SplineFixtures.SplineS();
        const float Step = 1e-3f;

        foreach (float x in new[] { -2.5f, -0.3f, 1.75f, 2.9f })
        {
            float analytic = spline.Backward(x, 0.7f, -1.3f);
            double plus = Loss(spline.Forward(x + Step));
            double minus = Loss(spline.Forward(x - Step));

            Assert.Equal((plus - minus) / (2 * Step), analytic, 2e-3 * Math.Max(1.0, Math.Abs(analytic)));
        }

        static double Loss(SplineValue value) => (0.7 * value.Output) - (1.3 * value.LogAbsDet);
    }

    [Fact]
    public void Backward_Tails_PassOutputGradientThrough()
    {
        RationalQuadraticSpline spline = SplineFixtures.SplineS();

        Assert.Equal(0.7f, spline.Backward(3.5f, 0.7f, -1.3f));
        Assert.Equal(-2f, spline.Backward(-4f, -2f, 5f));
    }

    [Fact]
    public void Constructor_KnotsNotIncreasing_Throws()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new RationalQuadraticSpline([-1f, 0f, 0f, 1f], [-1f, 0f, 0.5f, 1f], [1f, 1f, 1f, 1f]));

        Assert.Equal("knotX", error.ParamName);
        Assert.Contains("strictly increasing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_EndKnotsOffDiagonal_Throws()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new RationalQuadraticSpline([-1f, 0f, 1f], [-2f, 0f, 1f], [1f, 1f, 1f]));

        Assert.Equal("knotY", error.ParamName);
        Assert.Contains("diagonal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ZeroDerivative_Throws()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new RationalQuadraticSpline([-1f, 0f, 1f], [-1f, 0f, 1f], [1f, 0f, 1f]));

        Assert.Equal("knotDerivatives", error.ParamName);
        Assert.Contains("knotDerivatives[1] must be positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_LengthsDiffer_Throws()
    {
        var error = Assert.Throws<ArgumentException>(
            () => new RationalQuadraticSpline([-1f, 0f, 1f], [-1f, 1f], [1f, 1f, 1f]));

        Assert.Equal("knotX", error.ParamName);
        Assert.Contains("same length", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromUnnormalized_WrongRawLength_Throws()
    {
        var error = Assert.Throws<ArgumentException>(
            () => RationalQuadraticSpline.FromUnnormalized(new float[7], new SplineOptions(binCount: 3)));

        Assert.Equal("raw", error.ParamName);
        Assert.Contains("3 bins need 8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromUnnormalized_NonFiniteRaw_Throws()
    {
        float[] raw = new float[8];
        raw[2] = float.NaN;

        var error = Assert.Throws<ArgumentException>(
            () => RationalQuadraticSpline.FromUnnormalized(raw, new SplineOptions(binCount: 3)));

        Assert.Equal("raw", error.ParamName);
        Assert.Contains("finite", error.Message, StringComparison.Ordinal);
    }

    private static double Ulp(float value) => MathF.BitIncrement(MathF.Abs(value)) - MathF.Abs(value);
}
