using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Training;

namespace CouplingFlows.Tests.Training;

/// <summary>What the trainer and its helpers accept at the public boundary, and how they refuse the rest.</summary>
public sealed class TrainerInputTests
{
    private static readonly FlowSpec Small = new() { Features = 2, Layers = 2, HiddenFeatures = 4 };

    [Fact]
    public void Fit_OneTrainingRow_TrainsOnBatchesOfOne()
    {
        Flow flow = FlowBuilder.Build(Small, new RandomSource(1));
        var train = new Tensor([0.3f, -0.2f], 1, 2);

        TrainingResult result = new Trainer().Fit(flow, train, train, new TrainerOptions { Steps = 5 });

        Assert.Equal(StopReason.Completed, result.StopReason);
        Assert.All(result.TrainLoss, loss => Assert.True(float.IsFinite(loss)));
    }

    [Theory]
    [InlineData("train")]
    [InlineData("validation")]
    public void Fit_NoRows_IsRefusedNamingTheArgument(string which)
    {
        Flow flow = FlowBuilder.Build(Small, new RandomSource(1));
        var rows = new Tensor(4, 2);
        var empty = new Tensor(0, 2);

        var error = Assert.Throws<ArgumentException>(() => new Trainer().Fit(
            flow, which == "train" ? empty : rows, which == "train" ? rows : empty, new TrainerOptions { Steps = 1 }));

        Assert.Equal(which, error.ParamName);
        Assert.Contains("has no rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckpointPolicy_NegativeInterval_IsRefused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new CheckpointPolicy(-1, _ => { }));

        Assert.Equal("interval", error.ParamName);
    }

    [Fact]
    public void FitStandardization_ConstantColumn_IsRefusedNamingTheColumn()
    {
        FlowSpec spec = Small with { Preprocessing = PreprocessingKind.Standardize };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(1));
        var train = new Tensor([1f, 5f, 2f, 5f, 3f, 5f], 3, 2);

        var error = Assert.Throws<ArgumentException>(() => FlowBuilder.FitStandardization(flow, train));

        Assert.Contains("Column 2 is constant", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RestoreFlow_CheckpointOfAHandBuiltFlow_SaysToBuildTheFlowYourself()
    {
        Flow handBuilt = new(
            FlowBuilder.Build(Small, new RandomSource(1)).Transform, new Distributions.StandardNormal(2));
        TrainingCheckpoint? checkpoint = null;
        var trainer = new Trainer { Checkpoints = new CheckpointPolicy(0, c => checkpoint = c) };
        trainer.Fit(handBuilt, new Tensor([0.1f, 0.2f, 0.3f, 0.5f], 2, 2), null, new TrainerOptions { Steps = 1 });

        var error = Assert.Throws<InvalidOperationException>(() => checkpoint!.RestoreFlow());

        Assert.Contains("build the same flow yourself", error.Message, StringComparison.Ordinal);
    }
}
