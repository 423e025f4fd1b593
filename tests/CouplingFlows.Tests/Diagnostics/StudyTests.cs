using CouplingFlows.Diagnostics;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Training;

namespace CouplingFlows.Tests.Diagnostics;

public sealed class StudyTests
{
    [Fact]
    public void LogLogFit_ExactPowerLaw_RecoversExponentAndScale()
    {
        double[] x = [2, 8, 32, 128];
        double[] y = [.. x.Select(v => 0.5 * Math.Pow(v, 3))];

        LogLogFit fit = LogLogFit.Fit(x, y);

        Assert.Equal(3.0, fit.Slope, 12);
        Assert.Equal(0.5 * Math.Pow(10, 3), fit.Predict(10), 9);
    }

    [Fact]
    public void LogLogFit_NonPositiveValue_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => LogLogFit.Fit([1, 2], [1, 0]));

        Assert.Contains("positive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LogAbsDetCost_TinyRun_TimesEveryDimensionAndAgreesWithBruteForce()
    {
        var options = new LogAbsDetCostOptions
        {
            Dimensions = [2, 4, 6],
            Layers = 1,
            HiddenFeatures = 4,
            BatchRows = 4,
            Repeats = 1,
            MinimumDuration = TimeSpan.Zero,
        };

        LogAbsDetCostResult result = LogAbsDetCostStudy.Run(options);

        Assert.Equal([2, 4, 6], result.Points.Select(p => p.Features));
        Assert.All(result.Points, p => Assert.True(p.AnalyticSeconds > 0 && p.BruteForceSeconds > 0));
        Assert.All(result.Points, p => Assert.True(p.Difference < 1e-2, $"D={p.Features}: {p.Difference}"));
        Assert.True(double.IsFinite(result.All.BruteForce.Slope));
    }

    [Fact]
    public void LogAbsDetCost_OneDimension_IsRejected()
    {
        var options = new LogAbsDetCostOptions { Dimensions = [8, 8] };

        var error = Assert.Throws<ArgumentException>(() => LogAbsDetCostStudy.Run(options));

        Assert.Equal("Dimensions", error.ParamName);
    }

    [Fact]
    public void Initialization_ZeroLastLayer_IsExactlyTheIdentityAtEveryDepth()
    {
        var options = new InitializationStudyOptions
        {
            Features = 6,
            Depths = [1, 3, 6],
            HiddenFeatures = 16,
            Rows = 50,
            Schemes = [InitializationScheme.ZeroLastLayer],
        };

        IReadOnlyList<InitializationStatistics> results = InitializationStudy.Run(options);

        Assert.Equal([1, 3, 6], results.Select(r => r.Layers));
        foreach (InitializationStatistics r in results)
        {
            Assert.Equal(0.0, r.LogScale.MaxAbs);
            Assert.Equal(0.0, r.RawLogScale.MaxAbs);
            Assert.Equal(0.0, r.LogAbsDet.MaxAbs);
            Assert.Equal(0, r.LogAbsDet.NonFinite);
        }
    }

    [Fact]
    public void Initialization_GlorotTanh_StaysFarCloserToZeroThanStandardNormal()
    {
        var options = new InitializationStudyOptions
        {
            Features = 8,
            Depths = [1, 4],
            HiddenFeatures = 64,
            Rows = 200,
            Schemes = [InitializationScheme.GlorotTanh, InitializationScheme.StandardNormal],
        };

        IReadOnlyList<InitializationStatistics> results = InitializationStudy.Run(options);

        InitializationStatistics glorot = results.Single(
            r => r.Scheme == InitializationScheme.GlorotTanh && r.Layers == 4);
        InitializationStatistics normal = results.Single(
            r => r.Scheme == InitializationScheme.StandardNormal && r.Layers == 4);
        Assert.True(glorot.LogAbsDet.StandardDeviation * 4 < normal.LogAbsDet.StandardDeviation);
        Assert.True(glorot.RawLogScale.StandardDeviation < 1);
        Assert.True(normal.RawLogScale.StandardDeviation > 3);
    }

    [Fact]
    public void ReceptiveField_AlternatingMasksOnEightFeatures_FollowTheCouplingStructure()
    {
        var options = new ReceptiveFieldOptions
        {
            Features = 8,
            Depths = [1, 2, 3],
            Schemes = [TabularMaskScheme.Alternating],
        };

        IReadOnlyList<ReceptiveFieldDepth> results = ReceptiveFieldStudy.Tabular(options);

        DependencyMatrix first = results[0].Dependencies;
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                bool expected = i == j || (i % 2 == 1 && j % 2 == 0);
                Assert.True(first.DependsOn(i, j) == expected, $"output {i}, input {j}");
            }
        }

        Assert.Equal(3.0, first.MeanReceptiveFieldSize);
        Assert.Equal(6.5, results[1].Dependencies.MeanReceptiveFieldSize);
        Assert.True(results[2].Dependencies.IsDense);
    }

    [Fact]
    public void ReceptiveField_DepthBeyondTheStack_IsRejected()
    {
        var stack = ReceptiveFieldStudy.BuildTabularStack(TabularMaskScheme.HalfSplit, 4, 2, 4, new RandomSource(1));

        var error = Assert.Throws<ArgumentException>(
            () => ReceptiveFieldStudy.Measure(stack, [3], new Tensor(1, 4)));

        Assert.Equal("depths", error.ParamName);
    }

    [Fact]
    public void DependencyMatrix_JoinsPatternsAboveTheThreshold()
    {
        double[,] first = { { 1, 0 }, { 1e-13, 1 } };
        double[,] second = { { 1, 0 }, { 0, 2 } };

        var matrix = DependencyMatrix.FromJacobians([first, second], 1e-12);

        Assert.Equal("#.\n.#\n", matrix.ToPattern());
        Assert.Equal(1, matrix.MaximumReceptiveFieldSize);
    }

    [Fact]
    public void SummaryStatistics_CountsNonFiniteApart()
    {
        SummaryStatistics s = SummaryStatistics.Of([1, 3, double.NaN, double.PositiveInfinity, -2]);

        Assert.Equal(3, s.Count);
        Assert.Equal(2, s.NonFinite);
        double mean = 2.0 / 3;
        double variance = (Math.Pow(1 - mean, 2) + Math.Pow(3 - mean, 2) + Math.Pow(-2 - mean, 2)) / 3;
        Assert.Equal(mean, s.Mean, 12);
        Assert.Equal(Math.Sqrt(variance), s.StandardDeviation, 12);
        Assert.Equal(3.0, s.MaxAbs);
    }

    public static TheoryData<int, int, long> BudgetGrid()
    {
        var data = new TheoryData<int, int, long>();
        foreach (int layers in new[] { 1, 2, 4, 8 })
        {
            foreach (int depth in new[] { 1, 2, 3 })
            {
                data.Add(layers, depth, 100_000);
            }
        }

        data.Add(16, 3, 100_000);
        data.Add(2, 1, 20_000);
        return data;
    }

    [Theory]
    [MemberData(nameof(BudgetGrid))]
    public void ParameterBudget_DigitsFlow_IsWithinFivePercentOfTheBudget(int layers, int depth, long budget)
    {
        var template = new FlowSpec
        {
            Features = 64,
            Preprocessing = PreprocessingKind.DequantizeLogit,
            Levels = 17,
        };

        BudgetShape shape = ParameterBudget.Solve(template, layers, depth, budget);
        Flow built = FlowBuilder.Build(
            template with { Layers = layers, HiddenLayers = depth, HiddenFeatures = shape.HiddenFeatures },
            new RandomSource(7));

        Assert.Equal(built.TrainableParameterCount, shape.Parameters);
        Assert.True(Math.Abs(shape.Parameters - budget) <= 0.05 * budget, $"{shape}");
        Assert.True(shape.Meets(ParameterBudget.DefaultTolerance));
    }

    [Fact]
    public void ParameterBudget_BelowTheNarrowestFlow_DoesNotMeetIt()
    {
        var template = new FlowSpec { Features = 64 };

        BudgetShape shape = ParameterBudget.Solve(template, 8, 3, 500);

        Assert.Equal(1, shape.HiddenFeatures);
        Assert.False(shape.Meets(0.05));
    }

    [Fact]
    public void BudgetStudy_TinyGrid_TrainsEveryCellWithinTheBudget()
    {
        (Tensor train, Tensor test) = Moons();
        var options = new BudgetStudyOptions
        {
            Budget = 3000,
            LayerCounts = [2, 4],
            HiddenLayerCounts = [1],
            Trainer = new TrainerOptions { Steps = 5 },
        };

        IReadOnlyList<BudgetStudyCell> cells = BudgetStudy.Run(
            new FlowSpec { Features = 2 }, train, null, test, options);

        Assert.Equal(2, cells.Count);
        Assert.All(cells, c => Assert.True(c.MeetsBudget && double.IsFinite(c.TestNll), $"{c}"));
    }

    [Fact]
    public void VolumeStudy_Nice_HasExactlyZeroCouplingLogAbsDetAndOneVolumeForEveryRow()
    {
        (Tensor train, Tensor test) = Moons();
        var template = new FlowSpec { Features = 2, Layers = 2, HiddenFeatures = 8 };

        IReadOnlyList<VolumeStudyResult> results = VolumeStudy.Run(
            template, [FlowKind.Nice, FlowKind.RealNvp], train, null, test, new TrainerOptions { Steps = 20 });

        VolumeStudyResult nice = results[0];
        VolumeStudyResult realNvp = results[1];
        Assert.Equal(0.0, nice.LargestCouplingLogAbsDet);
        Assert.Equal(0.0, nice.LearnedSummary.StandardDeviation);
        Assert.True(realNvp.LearnedSummary.StandardDeviation > 0);
        Assert.True(double.IsFinite(nice.TestNll) && double.IsFinite(realNvp.TestNll));
    }

    private static (Tensor Train, Tensor Test) Moons() =>
        (CouplingFlows.Data.ToyDataSets.Generate("moons", 512, new RandomSource(1)),
            CouplingFlows.Data.ToyDataSets.Generate("moons", 128, new RandomSource(2)));
}
