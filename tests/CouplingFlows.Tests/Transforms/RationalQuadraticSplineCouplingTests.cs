using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;
using CouplingFlows.Transforms.Splines;

namespace CouplingFlows.Tests.Transforms;

public sealed class RationalQuadraticSplineCouplingTests
{
    /// <summary>θ from raw values fitted to spline S is off by a few float ulps, which moves the
    /// knots and outputs by well under 1e-5.</summary>
    private const double FittedRawTolerance = 1e-5;

    /// <summary>The issue's float32 round-trip bound.</summary>
    private const float RoundTripTolerance = 1e-5f;

    /// <summary>Step of the central-difference Jacobian: float outputs near 3 carry ≈ 2.4e-7 of
    /// rounding, so each entry is good to ≈ 1.2e-4 and the O(h²) truncation is smaller.</summary>
    private const float JacobianStep = 1e-3f;

    /// <summary>Entry errors of ≈ 1e-4 on a 5 × 5 Jacobian move log|det| by a few 1e-4.</summary>
    private const double JacobianLogDetTolerance = 2e-3;

    /// <summary>Step of the central differences on parameters and inputs: float rounding in the
    /// conditioner and the spline adds ≈ 1e-6 / (2ε) ≈ 5e-5 of noise to each quotient.</summary>
    private const float GradientStep = 1e-2f;

    /// <summary>Relative tolerance of a gradient against its central difference.</summary>
    private const double GradientRelativeTolerance = 5e-3;

    /// <summary>Absolute floor: the rounding noise of the quotient and its O(ε²) truncation.</summary>
    private const double GradientAbsoluteTolerance = 5e-4;

    /// <summary>The matrix product sums rows in a block-dependent order, so θ for a row can differ by
    /// an ulp between batch sizes; through the spline that is far below 1e-5.</summary>
    private const float BatchInvarianceTolerance = 1e-5f;

    public static TheoryData<string> ConditionerKinds => new() { "mlp", "residual", "context" };

    [Theory]
    [InlineData(-3f, -3.0, 0.0)]
    [InlineData(-2f, -2.4, -0.916290731874155)]
    [InlineData(-1f, -2.0, -0.693147180559945)]
    [InlineData(0f, -0.2, 0.970778917158225)]
    [InlineData(0.5f, 1.0, 0.693147180559945)]
    [InlineData(1.75f, 2.217391304347826, -0.586049)]
    [InlineData(3f, 3.0, 0.0)]
    public void Forward_SplineSRaw_MatchesIssueValues(float x, double expectedY, double expectedLogAbsDet)
    {
        RationalQuadraticSplineCoupling coupling = SplineSCoupling(out _);
        Tensor input = Tensor.FromRows([[0.25f, x]]);

        TransformResult result = coupling.Forward(input);

        Assert.Equal(0.25f, result.Output[0, 0]);
        Assert.Equal(expectedY, result.Output[0, 1], FittedRawTolerance);
        Assert.Equal(expectedLogAbsDet, result.LogAbsDet[0], FittedRawTolerance);
    }

    [Fact]
    public void Inverse_SplineSRaw_MatchesIssueValues()
    {
        RationalQuadraticSplineCoupling coupling = SplineSCoupling(out _);
        Tensor y = Tensor.FromRows([[1f, 3.5f], [1f, -0.2f], [1f, -4f]]);

        TransformResult result = coupling.Inverse(y);

        Assert.Equal(3.5f, result.Output[0, 1]);
        Assert.Equal(0.0, result.Output[1, 1], FittedRawTolerance);
        Assert.Equal(-4f, result.Output[2, 1]);
        Assert.Equal(0f, result.LogAbsDet[0]);
        Assert.Equal(-0.970779, result.LogAbsDet[1], FittedRawTolerance);
        Assert.Equal(0f, result.LogAbsDet[2]);
    }

    [Fact]
    public void Backward_SplineSAtInverseOutputs_TailRowsGetExactlyZeroThetaGradient()
    {
        RationalQuadraticSplineCoupling coupling = SplineSCoupling(out FixedConditioner conditioner);
        Tensor x = Tensor.FromRows([[1f, 3.5f], [1f, 0f], [1f, -4f]]);
        coupling.ForwardTraining(x);
        Tensor outputGradient = Tensor.FromRows([[0.3f, 0.7f], [0.3f, 0.7f], [0.3f, 0.7f]]);

        Tensor inputGradient = coupling.Backward(outputGradient, [-1f, -1f, -1f]);

        Tensor thetaGradient = conditioner.LastOutputGradient!;
        Assert.All(thetaGradient.Row(0).ToArray(), value => Assert.Equal(0f, value));
        Assert.All(thetaGradient.Row(2).ToArray(), value => Assert.Equal(0f, value));
        Assert.All(thetaGradient.Row(1).ToArray(), value => Assert.True(float.IsFinite(value)));
        Assert.Contains(thetaGradient.Row(1).ToArray(), value => value != 0f);
        Assert.All(inputGradient.Data, value => Assert.True(float.IsFinite(value)));
        Assert.Equal(0.7f, inputGradient[0, 1]);
        Assert.Equal(0.7f, inputGradient[2, 1]);
    }

    [Fact]
    public void Forward_TailBoundFourBatchOutsideRange_ReturnsInputWithZeroLogAbsDet()
    {
        var options = new SplineOptions(tailBound: 4f);
        float[] theta = SplineFixtures.RandomRaw(options, new RandomSource(8), 2f);
        var coupling = new RationalQuadraticSplineCoupling(
            CouplingMask.FromIdentityIndices(2, [0]), new FixedConditioner(1, theta), options);
        Tensor x = Tensor.FromRows([[0.3f, 5f], [1f, -6f]]);

        TransformResult result = coupling.Forward(x);

        Assert.Equal(x.Data, result.Output.Data);
        Assert.All(result.LogAbsDet, value => Assert.Equal(0f, value));
    }

    [Fact]
    public void Forward_EmptyBatch_ReturnsEmptyResult()
    {
        RationalQuadraticSplineCoupling coupling = Build("mlp", seed: 1);
        var x = new Tensor(0, 5);

        TransformResult forward = coupling.Forward(x);
        TransformResult inverse = coupling.Inverse(x);

        Assert.True(forward.Output.HasShape(0, 5));
        Assert.Empty(forward.LogAbsDet);
        Assert.True(inverse.Output.HasShape(0, 5));
        Assert.Empty(inverse.LogAbsDet);
    }

    [Theory]
    [MemberData(nameof(ConditionerKinds))]
    public void Inverse_ForwardOutput_RecoversInput(string kind)
    {
        RationalQuadraticSplineCoupling coupling = Build(kind, seed: 2);
        (Tensor x, Tensor? context) = Batch(kind, rows: 64, seed: 3);

        TransformResult forward = coupling.Forward(x, context);
        TransformResult inverse = coupling.Inverse(forward.Output, context);

        float worst = 0f;
        for (int i = 0; i < x.Length; i++)
        {
            worst = MathF.Max(worst, MathF.Abs(inverse.Output.Data[i] - x.Data[i]));
        }

        Assert.InRange(worst, 0f, RoundTripTolerance);
        Assert.All(forward.Output.Data, value => Assert.True(float.IsFinite(value)));
    }

    [Theory]
    [MemberData(nameof(ConditionerKinds))]
    public void Inverse_ForwardOutput_LogAbsDetIsMinusForward(string kind)
    {
        RationalQuadraticSplineCoupling coupling = Build(kind, seed: 4);
        (Tensor x, Tensor? context) = Batch(kind, rows: 32, seed: 5);

        TransformResult forward = coupling.Forward(x, context);
        TransformResult inverse = coupling.Inverse(forward.Output, context);

        for (int i = 0; i < x.Rows; i++)
        {
            Assert.Equal(-forward.LogAbsDet[i], inverse.LogAbsDet[i], 1e-4);
        }
    }

    [Theory]
    [MemberData(nameof(ConditionerKinds))]
    public void Forward_LogAbsDet_MatchesCentralDifferenceJacobian(string kind)
    {
        RationalQuadraticSplineCoupling coupling = Build(kind, seed: 6);
        (Tensor x, Tensor? context) = Batch(kind, rows: 6, seed: 7);
        int d = x.RowLength;

        TransformResult result = coupling.Forward(x, context);

        for (int i = 0; i < x.Rows; i++)
        {
            double[,] jacobian = new double[d, d];
            for (int c = 0; c < d; c++)
            {
                Tensor plus = x.Clone();
                Tensor minus = x.Clone();
                plus[i, c] += JacobianStep;
                minus[i, c] -= JacobianStep;
                Tensor yPlus = coupling.Forward(plus, context).Output;
                Tensor yMinus = coupling.Forward(minus, context).Output;
                for (int r = 0; r < d; r++)
                {
                    jacobian[r, c] = ((double)yPlus[i, r] - yMinus[i, r]) / (2.0 * JacobianStep);
                }
            }

            Assert.Equal(LogAbsDeterminant(jacobian), result.LogAbsDet[i], JacobianLogDetTolerance);
        }
    }

    [Fact]
    public void Backward_MlpConditioner_MatchesCentralDifferencesForInputsAndEveryParameter()
    {
        var options = new SplineOptions(binCount: 4);
        var random = new RandomSource(11);
        CouplingMask mask = CouplingMask.Alternating(4, keepEven: true);
        var mlpOptions = new MlpOptions(HiddenFeatures: 6, HiddenLayers: 1, Activation: Activation.Tanh);
        var conditioner = new Mlp("c", 2, 2 * options.ParametersPerFeature, mlpOptions, random);
        var coupling = new RationalQuadraticSplineCoupling(mask, conditioner, options);
        Tensor x = Gaussian(3, 4, random, 1.2f);
        float[] outputWeights = Draw(x.Length, random);
        float[] logDetWeights = Draw(x.Rows, random);

        TransformResult forward = coupling.ForwardTraining(x);
        Tensor inputGradient = coupling.Backward(new Tensor(outputWeights, x.Rows, 4), logDetWeights);
        Tensor xCopy = x.Clone();

        double Loss() => WeightedLoss(coupling.Forward(xCopy), outputWeights, logDetWeights);
        CheckGradient(xCopy.Data, inputGradient.Data.ToArray(), Loss, "x");
        foreach (Parameter parameter in coupling.Parameters)
        {
            float[] analytic = parameter.Gradient.Data.ToArray();
            Assert.Contains(analytic, value => value != 0f);
            CheckGradient(parameter.Value.Data, analytic, Loss, parameter.Name);
        }

        Assert.Equal(4, forward.Output.RowLength);
    }

    [Fact]
    public void Backward_FixedTheta_MatchesCentralDifferencesForEveryRawValue()
    {
        var options = new SplineOptions(binCount: 3, tailBound: 2.5f);
        var random = new RandomSource(12);
        float[] theta = SplineFixtures.RandomRaw(new SplineOptions(binCount: 6), random, 1f);
        var conditioner = new FixedConditioner(1, [.. theta.Take(2 * options.ParametersPerFeature)]);
        var coupling = new RationalQuadraticSplineCoupling(
            CouplingMask.FromIdentityIndices(3, [1]), conditioner, options);
        Tensor x = Gaussian(4, 3, random, 1f);
        float[] outputWeights = Draw(x.Length, random);
        float[] logDetWeights = Draw(x.Rows, random);

        coupling.ForwardTraining(x);
        coupling.Backward(new Tensor(outputWeights, x.Rows, 3), logDetWeights);

        double Loss() => WeightedLoss(coupling.Forward(x), outputWeights, logDetWeights);
        CheckGradient(conditioner.Theta.Data, conditioner.Parameters[0].Gradient.Data.ToArray(), Loss, "theta");
    }

    [Theory]
    [MemberData(nameof(ConditionerKinds))]
    public void Forward_BatchOfOne_EqualsSameRowOfLargerBatch(string kind)
    {
        RationalQuadraticSplineCoupling coupling = Build(kind, seed: 13);
        (Tensor x, Tensor? context) = Batch(kind, rows: 9, seed: 14);

        TransformResult batch = coupling.Forward(x, context);

        for (int i = 0; i < x.Rows; i++)
        {
            Tensor row = Tensor.FromRows([x.Row(i).ToArray()]);
            Tensor? contextRow = context is null ? null : Tensor.FromRows([context.Row(i).ToArray()]);
            TransformResult single = coupling.Forward(row, contextRow);
            for (int j = 0; j < x.RowLength; j++)
            {
                Assert.Equal(batch.Output[i, j], single.Output[0, j], BatchInvarianceTolerance);
            }

            Assert.Equal(batch.LogAbsDet[i], single.LogAbsDet[0], BatchInvarianceTolerance);
        }
    }

    [Fact]
    public void Forward_BatchOfOneWithFixedTheta_EqualsSameRowBitForBit()
    {
        var options = new SplineOptions(binCount: 4);
        float[] theta = Draw(2 * options.ParametersPerFeature, new RandomSource(22));
        var coupling = new RationalQuadraticSplineCoupling(
            CouplingMask.FromIdentityIndices(3, [0]), new FixedConditioner(1, theta), options);
        Tensor x = Gaussian(7, 3, new RandomSource(23), 1.5f);

        TransformResult batch = coupling.Forward(x);

        for (int i = 0; i < x.Rows; i++)
        {
            TransformResult single = coupling.Forward(Tensor.FromRows([x.Row(i).ToArray()]));
            Assert.Equal(batch.Output.Row(i).ToArray(), single.Output.Data);
            Assert.Equal(batch.LogAbsDet[i], single.LogAbsDet[0]);
        }
    }

    [Fact]
    public void Inverse_SharpConditioner_RoundTripsToFloatResolutionOfOutput()
    {
        // N(0, 1) weights give θ of spread ≈ 5: bins at their minimum size and slopes down to 1e-5.
        // With one transformed feature the row log-det is that feature's log-slope, which bounds how
        // well any float inverse can do: ulp(y) / slope.
        var random = new RandomSource(24);
        var options = new SplineOptions();
        var mlp = new Mlp(
            "c", 1, options.ParametersPerFeature,
            new MlpOptions(24, 2, Activation.Tanh, WeightInit.StandardNormal), random);
        var coupling = new RationalQuadraticSplineCoupling(CouplingMask.FromIdentityIndices(2, [0]), mlp, options);
        Tensor x = Gaussian(512, 2, random, 1.5f);

        TransformResult forward = coupling.Forward(x);
        TransformResult inverse = coupling.Inverse(forward.Output);

        for (int i = 0; i < x.Rows; i++)
        {
            float y = forward.Output[i, 1];
            double allowed = (Ulp(y) / Math.Exp(forward.LogAbsDet[i])) + Ulp(x[i, 1]);
            Assert.True(float.IsFinite(y) && float.IsFinite(inverse.LogAbsDet[i]));
            Assert.Equal(x[i, 0], inverse.Output[i, 0]);
            Assert.True(
                Math.Abs(inverse.Output[i, 1] - x[i, 1]) <= allowed,
                $"Row {i}: {x[i, 1]} came back as {inverse.Output[i, 1]}, more than {allowed} away.");
        }
    }

    [Theory]
    [MemberData(nameof(ConditionerKinds))]
    public void Forward_SameSeed_SameResult(string kind)
    {
        (Tensor x, Tensor? context) = Batch(kind, rows: 16, seed: 15);

        TransformResult first = Build(kind, seed: 16).Forward(x, context);
        TransformResult second = Build(kind, seed: 16).Forward(x, context);

        Assert.Equal(first.Output.Data, second.Output.Data);
        Assert.Equal(first.LogAbsDet, second.LogAbsDet);
    }

    [Fact]
    public void ForwardTraining_SameBatch_EqualsForward()
    {
        RationalQuadraticSplineCoupling coupling = Build("residual", seed: 17);
        (Tensor x, _) = Batch("residual", rows: 8, seed: 18);

        TransformResult inference = coupling.Forward(x);
        TransformResult training = coupling.ForwardTraining(x);

        Assert.Equal(inference.Output.Data, training.Output.Data);
        Assert.Equal(inference.LogAbsDet, training.LogAbsDet);
    }

    [Fact]
    public void Forward_ManyThreads_SameResultAsOneThread()
    {
        RationalQuadraticSplineCoupling coupling = Build("residual", seed: 25);
        (Tensor x, _) = Batch("residual", rows: 40, seed: 26);
        TransformResult expected = coupling.Forward(x);
        var outputs = new TransformResult[8];

        Parallel.For(0, outputs.Length, i => outputs[i] = i % 2 == 0 ? coupling.Forward(x) : coupling.Inverse(x));

        TransformResult inverse = coupling.Inverse(x);
        for (int i = 0; i < outputs.Length; i++)
        {
            TransformResult reference = i % 2 == 0 ? expected : inverse;
            Assert.Equal(reference.Output.Data, outputs[i].Output.Data);
            Assert.Equal(reference.LogAbsDet, outputs[i].LogAbsDet);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Forward_ZeroLastLayer_IsExactIdentity(bool residual)
    {
        var random = new RandomSource(19);
        var options = new SplineOptions(binCount: 6, minBinWidth: 0.02f);
        int outputs = 3 * options.ParametersPerFeature;
        IConditioner conditioner = residual
            ? new ResidualMlp("c", 3, outputs, new ResidualMlpOptions(16, 2, ZeroLastLayer: true), random)
            : new Mlp("c", 3, outputs, new MlpOptions(16, 2, ZeroLastLayer: true), random);
        var coupling = new RationalQuadraticSplineCoupling(
            CouplingMask.HalfSplit(6, keepFirst: true), conditioner, options);
        Tensor x = Gaussian(50, 6, random, 2f);

        TransformResult forward = coupling.Forward(x);
        TransformResult inverse = coupling.Inverse(x);

        Assert.Equal(x.Data, forward.Output.Data);
        Assert.Equal(x.Data, inverse.Output.Data);
        Assert.All(forward.LogAbsDet, value => Assert.Equal(0f, value));
        Assert.All(inverse.LogAbsDet, value => Assert.Equal(0f, value));
    }

    [Fact]
    public void Forward_GlorotInitialisation_StaysNearIdentity()
    {
        RationalQuadraticSplineCoupling coupling = Build("mlp", seed: 20);
        (Tensor x, _) = Batch("mlp", rows: 256, seed: 21);

        TransformResult result = coupling.Forward(x);

        double meanShift = 0.0;
        for (int i = 0; i < x.Length; i++)
        {
            meanShift += Math.Abs(result.Output.Data[i] - x.Data[i]) / x.Length;
        }

        double meanLogDet = result.LogAbsDet.Average(value => Math.Abs(value));

        // Measured 0.18 and 0.62 for this seed; a start far from the identity would exceed both bounds.
        Assert.InRange(meanShift, 0.0, 0.5);
        Assert.InRange(meanLogDet, 0.0, 1.0);
    }

    [Fact]
    public void Constructor_ConditionerTooNarrow_ThrowsWithWidths()
    {
        var conditioner = new Mlp("c", 2, 10, new MlpOptions(8, 1), new RandomSource(1));

        var error = Assert.Throws<ArgumentException>(
            () => new RationalQuadraticSplineCoupling(CouplingMask.Alternating(4, keepEven: true), conditioner));

        Assert.Equal("conditioner", error.ParamName);
        Assert.Contains("writes 10 values but the coupling needs 46", error.Message, StringComparison.Ordinal);
        Assert.Contains("23 parameters each", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DefaultOptions_UsesEightBinsAndBoundThree()
    {
        var conditioner = new Mlp("c", 2, 46, new MlpOptions(8, 1), new RandomSource(1));

        var coupling = new RationalQuadraticSplineCoupling(CouplingMask.Alternating(4, keepEven: true), conditioner);

        Assert.Equal(new SplineOptions(), coupling.Options);
        Assert.Equal(23, coupling.ParametersPerFeature);
    }

    private static RationalQuadraticSplineCoupling SplineSCoupling(out FixedConditioner conditioner)
    {
        conditioner = new FixedConditioner(1, SplineFixtures.RawForSplineS());

        return new RationalQuadraticSplineCoupling(
            CouplingMask.FromIdentityIndices(2, [0]), conditioner, SplineFixtures.Options);
    }

    /// <summary>Couplings on 5 features (2 kept, 3 transformed) with K = 5, B = 3.</summary>
    private static RationalQuadraticSplineCoupling Build(string kind, long seed)
    {
        var random = new RandomSource(seed);
        var options = new SplineOptions(binCount: 5);
        CouplingMask mask = CouplingMask.Alternating(5, keepEven: false);
        int outputs = 3 * options.ParametersPerFeature;
        int contextFeatures = kind == "context" ? 2 : 0;
        int inputs = 2 + contextFeatures;
        IConditioner conditioner = kind switch
        {
            "residual" => new ResidualMlp("c", inputs, outputs, new ResidualMlpOptions(24, 2), random),
            _ => new Mlp("c", inputs, outputs, new MlpOptions(24, 2, Activation.Tanh), random),
        };

        return new RationalQuadraticSplineCoupling(mask, conditioner, options, contextFeatures);
    }

    private static (Tensor X, Tensor? Context) Batch(string kind, int rows, long seed)
    {
        var random = new RandomSource(seed);
        Tensor x = Gaussian(rows, 5, random, 1.5f);
        Tensor? context = kind == "context" ? Gaussian(rows, 2, random, 1f) : null;

        return (x, context);
    }

    private static Tensor Gaussian(int rows, int columns, RandomSource random, float scale)
    {
        var tensor = new Tensor(rows, columns);
        random.FillGaussian(tensor.Data, scale);

        return tensor;
    }

    private static float[] Draw(int count, RandomSource random)
    {
        float[] values = new float[count];
        random.FillGaussian(values);

        return values;
    }

    private static double WeightedLoss(TransformResult result, float[] outputWeights, float[] logDetWeights)
    {
        double loss = 0.0;
        for (int i = 0; i < outputWeights.Length; i++)
        {
            loss += outputWeights[i] * (double)result.Output.Data[i];
        }

        for (int i = 0; i < logDetWeights.Length; i++)
        {
            loss += logDetWeights[i] * (double)result.LogAbsDet[i];
        }

        return loss;
    }

    private static void CheckGradient(float[] values, float[] analytic, Func<double> loss, string name)
    {
        for (int k = 0; k < values.Length; k++)
        {
            float saved = values[k];
            values[k] = saved + GradientStep;
            double plus = loss();
            values[k] = saved - GradientStep;
            double minus = loss();
            values[k] = saved;
            double numeric = (plus - minus) / (2.0 * GradientStep);
            double allowed = GradientAbsoluteTolerance + (GradientRelativeTolerance * Math.Abs(numeric));
            Assert.True(
                Math.Abs(numeric - analytic[k]) <= allowed,
                $"{name}[{k}]: analytic {analytic[k]} vs central difference {numeric}.");
        }
    }

    /// <summary>log|det A| by LU decomposition with partial pivoting, in double.</summary>
    private static double LogAbsDeterminant(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        double[,] a = (double[,])matrix.Clone();
        double sum = 0.0;
        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(a[r, c]) > Math.Abs(a[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (int k = 0; k < n; k++)
            {
                (a[c, k], a[pivot, k]) = (a[pivot, k], a[c, k]);
            }

            sum += Math.Log(Math.Abs(a[c, c]));
            for (int r = c + 1; r < n; r++)
            {
                double factor = a[r, c] / a[c, c];
                for (int k = c; k < n; k++)
                {
                    a[r, k] -= factor * a[c, k];
                }
            }
        }

        return sum;
    }

    private static double Ulp(float value) => MathF.BitIncrement(MathF.Abs(value)) - MathF.Abs(value);
}
