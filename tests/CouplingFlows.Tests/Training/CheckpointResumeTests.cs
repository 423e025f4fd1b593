using CouplingFlows.Data;
using CouplingFlows.Flows;
using CouplingFlows.Numerics;
using CouplingFlows.Serialization;
using CouplingFlows.Tests.Support;
using CouplingFlows.Training;

namespace CouplingFlows.Tests.Training;

/// <summary>An interrupted and resumed run must be the same run, bit for bit, as one left alone.</summary>
public sealed class CheckpointResumeTests
{
    private static readonly FlowSpec MoonsSpec = new() { Features = 2, Layers = 2, HiddenFeatures = 12 };

    /// <summary>A cosine schedule and clipping, so the learning rate and the clip both have to resume right.</summary>
    private static readonly TrainerOptions MoonsOptions = new()
    {
        Steps = 1000,
        BatchSize = 64,
        LearningRate = 3e-3f,
        Seed = 7,
        CosineSchedule = true,
        GradientClipNorm = 5f,
    };

    [Fact]
    public void Resume_RunInterruptedAtStep500Of1000_EndsWithTheUninterruptedWeights()
    {
        // 600 rows and batches of 64 drop a partial batch, so epochs reshuffle at odd steps.
        Tensor train = ToyDataSets.Generate("moons", 600, new RandomSource(1));
        Flow uninterrupted = FlowBuilder.Build(MoonsSpec, new RandomSource(2));
        TrainingResult expected = new Trainer().Fit(uninterrupted, train, null, MoonsOptions);

        Flow first = FlowBuilder.Build(MoonsSpec, new RandomSource(2));
        TrainingCheckpoint interrupted = CancelAt(500, first, train, null, MoonsOptions);
        TrainingCheckpoint reloaded = CheckpointFile.FromBytes(CheckpointFile.ToBytes(interrupted), "ck");
        Flow resumedFlow = reloaded.RestoreFlow();
        TrainingResult resumed = new Trainer().Resume(resumedFlow, train, null, reloaded);

        Assert.Equal(StopReason.Cancelled, interrupted.Outcome);
        Assert.Equal(500, interrupted.Step);
        Assert.Equal(StopReason.Completed, resumed.StopReason);
        Assert.Equal(1000, resumed.StepsCompleted);
        AssertSameBits(uninterrupted, resumedFlow);
        Assert.Equal(expected.TrainLoss, resumed.TrainLoss);
        Assert.Equal(expected.BestStep, resumed.BestStep);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    [InlineData(130)]
    [InlineData(299)]
    public void Resume_DiscreteDataWithValidationAndDequantisation_EndsBitIdentical(int interruptAt)
    {
        (Tensor train, Tensor validation) = SmallDiscreteSet();
        var spec = new FlowSpec
        {
            Features = 4,
            Layers = 2,
            HiddenFeatures = 8,
            Preprocessing = PreprocessingKind.DequantizeLogit,
            Levels = 4,
        };
        var options = new TrainerOptions
        {
            Steps = 300,
            BatchSize = 32,
            Seed = 3,
            Dequantize = true,
            ValidationInterval = 25,
            EarlyStoppingPatience = 50,
            CosineSchedule = true,
        };
        Flow uninterrupted = BuildFitted(spec, train);
        TrainingResult expected = new Trainer().Fit(uninterrupted, train, validation, options);

        TrainingCheckpoint? saved = null;
        var trainer = new Trainer { Checkpoints = new CheckpointPolicy(interruptAt, c => saved ??= c) };
        trainer.Fit(BuildFitted(spec, train), train, validation, options);
        TrainingCheckpoint reloaded = CheckpointFile.FromBytes(CheckpointFile.ToBytes(saved!), "ck");
        Flow resumedFlow = reloaded.RestoreFlow();
        TrainingResult resumed = new Trainer().Resume(resumedFlow, train, validation, reloaded);

        Assert.Null(saved!.Outcome);
        Assert.Equal(interruptAt, saved.Step);
        AssertSameBits(uninterrupted, resumedFlow);
        Assert.Equal(expected.ValidationHistory, resumed.ValidationHistory);
        Assert.Equal(expected.BestStep, resumed.BestStep);
        Assert.Equal(expected.BestValidationNll, resumed.BestValidationNll);
    }

    [Theory]
    [InlineData(FlowKind.Nsf, false)]
    [InlineData(FlowKind.Nice, false)]
    [InlineData(FlowKind.RealNvp, true)]
    public void Resume_OtherFlowKindOrMemorySavingRun_EndsBitIdentical(FlowKind kind, bool memorySaving)
    {
        Tensor train = ToyDataSets.Generate("moons", 400, new RandomSource(1));
        FlowSpec spec = MoonsSpec with { Kind = kind };
        TrainerOptions options = MoonsOptions with { Steps = 200, MemorySaving = memorySaving };
        Flow uninterrupted = FlowBuilder.Build(spec, new RandomSource(2));
        new Trainer().Fit(uninterrupted, train, null, options);

        TrainingCheckpoint interrupted = CancelAt(
            80, FlowBuilder.Build(spec, new RandomSource(2)), train, null, options);
        TrainingCheckpoint reloaded = CheckpointFile.FromBytes(CheckpointFile.ToBytes(interrupted), "ck");
        Flow resumedFlow = reloaded.RestoreFlow();
        new Trainer().Resume(resumedFlow, train, null, reloaded);

        Assert.Equal(80, interrupted.Step);
        AssertSameBits(uninterrupted, resumedFlow);
    }

    [Fact]
    public void Fit_WithPolicy_HandsOutCheckpointsAtTheIntervalAndAtTheEnd()
    {
        Tensor train = ToyDataSets.Generate("circles", 200, new RandomSource(1));
        var steps = new List<(int Step, StopReason? Outcome)>();
        var trainer = new Trainer { Checkpoints = new CheckpointPolicy(20, c => steps.Add((c.Step, c.Outcome))) };

        trainer.Fit(
            FlowBuilder.Build(MoonsSpec, new RandomSource(2)), train, null,
            new TrainerOptions { Steps = 50, BatchSize = 50 });

        Assert.Equal([(20, null), (40, null), (50, StopReason.Completed)], steps);
    }

    [Fact]
    public void Fit_RepeatedNonFiniteLosses_LastCheckpointKeepsFiniteBestValuesAndCannotResume()
    {
        Tensor train = ToyDataSets.Generate("moons", 256, new RandomSource(1));
        train.Data[10] = float.NaN;
        TrainingCheckpoint? last = null;
        var trainer = new Trainer { Checkpoints = new CheckpointPolicy(0, c => last = c) };
        Flow flow = FlowBuilder.Build(MoonsSpec, new RandomSource(3));

        trainer.Fit(
            flow, train, null, new TrainerOptions { Steps = 50, BatchSize = 256, MaxConsecutiveNonFiniteSteps = 3 });

        Assert.Equal(StopReason.NonFiniteLoss, last!.Outcome);
        Assert.Equal(3, last.Step);
        Assert.False(last.CanResume);
        Assert.All(last.BestValues.SelectMany(v => v), v => Assert.True(float.IsFinite(v)));
        var error = Assert.Throws<ArgumentException>(() => new Trainer().Resume(flow, train, null, last));
        Assert.Equal("checkpoint", error.ParamName);
        Assert.Contains("already ended (NonFiniteLoss at step 3)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_WithOtherTrainingRows_IsRefusedNamingTrain()
    {
        Tensor train = ToyDataSets.Generate("moons", 300, new RandomSource(1));
        Flow flow = FlowBuilder.Build(MoonsSpec, new RandomSource(2));
        TrainingCheckpoint checkpoint = CancelAt(10, flow, train, null, MoonsOptions with { Steps = 40 });
        Tensor other = ToyDataSets.Generate("moons", 300, new RandomSource(9));

        var error = Assert.Throws<ArgumentException>(
            () => new Trainer().Resume(checkpoint.RestoreFlow(), other, null, checkpoint));

        Assert.Equal("train", error.ParamName);
        Assert.Contains("differs from the training rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_FlowOfAnotherArchitecture_IsRefusedNamingTheParameter()
    {
        Tensor train = ToyDataSets.Generate("moons", 300, new RandomSource(1));
        TrainingCheckpoint checkpoint = CancelAt(
            10, FlowBuilder.Build(MoonsSpec, new RandomSource(2)), train, null, MoonsOptions with { Steps = 40 });
        Flow wider = FlowBuilder.Build(MoonsSpec with { HiddenFeatures = 16 }, new RandomSource(2));

        var error = Assert.Throws<ArgumentException>(() => new Trainer().Resume(wider, train, null, checkpoint));

        Assert.Equal("checkpoint", error.ParamName);
        Assert.Contains("shape", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs until the given step has completed, then cancels as Ctrl-C would.</summary>
    internal static TrainingCheckpoint CancelAt(
        int step, Flow flow, Tensor train, Tensor? validation, TrainerOptions options)
    {
        using var cancellation = new CancellationTokenSource();
        TrainingCheckpoint? last = null;
        var trainer = new Trainer { Checkpoints = new CheckpointPolicy(0, c => last = c) };
        var progress = new SyncProgress<TrainingProgress>(p =>
        {
            if (p.Step == step)
            {
                cancellation.Cancel();
            }
        });

        trainer.Fit(flow, train, validation, options, progress, cancellation.Token);

        return last!;
    }

    internal static void AssertSameBits(Flow expected, Flow actual)
    {
        for (int p = 0; p < expected.Parameters.Count; p++)
        {
            float[] a = expected.Parameters[p].Value.Data;
            float[] b = actual.Parameters[p].Value.Data;
            Assert.True(
                a.Select(BitConverter.SingleToInt32Bits).SequenceEqual(b.Select(BitConverter.SingleToInt32Bits)),
                $"parameter {expected.Parameters[p].Name} differs");
        }
    }

    private static Flow BuildFitted(FlowSpec spec, Tensor train)
    {
        Flow flow = FlowBuilder.Build(spec, new RandomSource(5));
        FlowBuilder.FitStandardization(flow, Evaluation.Dequantize(train, new RandomSource(6)));
        return flow;
    }

    /// <summary>Four correlated features with levels 0..3: 400 training and 100 validation rows.</summary>
    private static (Tensor Train, Tensor Validation) SmallDiscreteSet()
    {
        var random = new RandomSource(11);
        var all = new Tensor(500, 4);
        for (int i = 0; i < all.Rows; i++)
        {
            int a = random.NextInt(4);
            all[i, 0] = a;
            all[i, 1] = Math.Min(3, a + random.NextInt(2));
            all[i, 2] = random.NextInt(4);
            all[i, 3] = (a + random.NextInt(2)) % 4;
        }

        return (
            TensorRows.Take(all, [.. Enumerable.Range(0, 400)]),
            TensorRows.Take(all, [.. Enumerable.Range(400, 100)]));
    }
}
