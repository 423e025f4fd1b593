using CouplingFlows.Data;
using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Training;

namespace CouplingFlows.Tests.Training;

public sealed class TrainerTests
{
    [Fact]
    public void Fit_TwoMoons_LowersTestNllBelowAGaussianFit()
    {
        // A full-covariance Gaussian scores about 1.88 nats on noisy two moons; 800 steps of a small
        // RealNVP must beat it by a clear margin and improve on the fresh flow by over one nat.
        Tensor train = ToyDataSets.Generate("moons", 4000, new RandomSource(1));
        Tensor test = ToyDataSets.Generate("moons", 1000, new RandomSource(2));
        var spec = new FlowSpec { Features = 2, Layers = 6, HiddenFeatures = 48, Activation = Activation.Relu };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(3));
        double before = Evaluation.MeanNll(flow, test);

        TrainingResult result = new Trainer().Fit(
            flow, train, null, new TrainerOptions { Steps = 800, BatchSize = 128, Seed = 4 });
        double after = Evaluation.MeanNll(flow, test);

        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.True(after < 1.6, $"test NLL {after} nats after training");
        Assert.True(before - after > 1.0, $"NLL went from {before} to {after}");
    }

    [Fact]
    public void Fit_SameSeed_GivesBitIdenticalParameters()
    {
        Tensor train = ToyDataSets.Generate("circles", 600, new RandomSource(1));
        var spec = new FlowSpec { Features = 2, Layers = 2, HiddenFeatures = 8 };
        var options = new TrainerOptions { Steps = 30, BatchSize = 64, Seed = 5 };

        Flow first = FlowBuilder.Build(spec, new RandomSource(2));
        new Trainer().Fit(first, train, null, options);
        Flow second = FlowBuilder.Build(spec, new RandomSource(2));
        new Trainer().Fit(second, train, null, options);

        Assert.Equal(
            first.Parameters.SelectMany(p => p.Value.Data), second.Parameters.SelectMany(p => p.Value.Data));
    }

    [Fact]
    public void Fit_WithValidation_KeepsTheBestValidationStep()
    {
        Tensor train = ToyDataSets.Generate("moons", 1000, new RandomSource(1));
        Tensor validation = ToyDataSets.Generate("moons", 300, new RandomSource(2));
        Flow flow = FlowBuilder.Build(
            new FlowSpec { Features = 2, Layers = 2, HiddenFeatures = 16 }, new RandomSource(3));

        TrainingResult result = new Trainer().Fit(
            flow, train, validation, new TrainerOptions { Steps = 200, BatchSize = 100, ValidationInterval = 20 });

        double best = result.ValidationHistory.Min(v => v.Nll);
        Assert.Equal(best, result.BestValidationNll);
        Assert.Equal(best, Evaluation.MeanNll(flow, validation), 5);
    }

    [Fact]
    public void Fit_DivergingLearningRate_StopsWithNonFiniteLossAndKeepsFiniteParameters()
    {
        Tensor train = ToyDataSets.Generate("moons", 512, new RandomSource(1));
        Flow flow = FlowBuilder.Build(
            new FlowSpec { Features = 2, Layers = 2, HiddenFeatures = 8 }, new RandomSource(3));
        train.Data[10] = float.NaN;

        TrainingResult result = new Trainer().Fit(
            flow, train, null, new TrainerOptions { Steps = 50, BatchSize = 512, MaxConsecutiveNonFiniteSteps = 3 });

        Assert.Equal(StopReason.NonFiniteLoss, result.StopReason);
        Assert.Contains("step 3", result.Message, StringComparison.Ordinal);
        Assert.All(flow.Parameters.SelectMany(p => p.Value.Data), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Fit_WrongColumnCount_NamesBothCounts()
    {
        Flow flow = FlowBuilder.Build(
            new FlowSpec { Features = 3, Layers = 1, HiddenFeatures = 4 }, new RandomSource(1));

        var error = Assert.Throws<ArgumentException>(
            () => new Trainer().Fit(flow, new Tensor(10, 2), null, new TrainerOptions { Steps = 1 }));

        Assert.Equal("train", error.ParamName);
        Assert.Contains("2 columns", error.Message, StringComparison.Ordinal);
        Assert.Contains("3 features", error.Message, StringComparison.Ordinal);
    }
}
