using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Transforms;

namespace CouplingFlows.Tests.Flows;

/// <summary>
/// A training step on at least 128 rows of a tabular flow is split into two shards of rows, one per
/// thread: its loss and gradients must equal those of the whole batch on one flow, to float32
/// rounding, and must not depend on the number of threads at all.
/// </summary>
[Collection(CouplingFlows.Tests.Support.SerialTests.Name)]
public sealed class DataParallelTrainingTests
{
    private const int Features = 6;

    public static TheoryData<FlowKind, bool> Cases => new()
    {
        { FlowKind.RealNvp, false },
        { FlowKind.Nice, false },
        { FlowKind.Nsf, false },
        { FlowKind.RealNvp, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SplitStep_MatchesTheWholeBatchOnOneFlow(FlowKind kind, bool memorySaving)
    {
        Flow split = PerturbedFlow(kind, memorySaving);
        Flow whole = PerturbedFlow(kind, memorySaving);
        Tensor batch = Batch(301);
        Assert.True(DataParallelTraining.Supports(split, batch.Rows, hasContext: false));

        double splitLoss = split.ComputeLossAndGradients(batch);
        double wholeLoss = -whole.AddLogProbGradients(batch, null, 1f / batch.Rows) / batch.Rows;

        Assert.Equal(wholeLoss, splitLoss, 1e-5 * Math.Max(1, Math.Abs(wholeLoss)));
        AssertGradientsClose(whole, split);
    }

    [Fact]
    public void SplitStep_GivesTheSameBitsOnOneThreadAndOnTwo()
    {
        Flow twoThreads = PerturbedFlow(FlowKind.Nsf, memorySaving: false);
        Flow oneThread = PerturbedFlow(FlowKind.Nsf, memorySaving: false);
        Tensor batch = Batch(256);

        double twoLoss = TrainSteps(twoThreads, batch, steps: 3);
        int saved = Gemm.MaxDegreeOfParallelism;
        Gemm.MaxDegreeOfParallelism = 1;
        double oneLoss;
        try
        {
            oneLoss = TrainSteps(oneThread, batch, steps: 3);
        }
        finally
        {
            Gemm.MaxDegreeOfParallelism = saved;
        }

        Assert.Equal(oneLoss, twoLoss);
        for (int p = 0; p < oneThread.Parameters.Count; p++)
        {
            Assert.Equal(oneThread.Parameters[p].Value.Data, twoThreads.Parameters[p].Value.Data);
            Assert.Equal(oneThread.Parameters[p].Gradient.Data, twoThreads.Parameters[p].Gradient.Data);
        }
    }

    [Fact]
    public void SplitSteps_FollowTheOptimisersUpdates()
    {
        Flow split = PerturbedFlow(FlowKind.RealNvp, memorySaving: false);
        Flow whole = PerturbedFlow(FlowKind.RealNvp, memorySaving: false);
        Tensor batch = Batch(200);
        var splitAdam = new Adam(split.Parameters, 1e-2f);
        var wholeAdam = new Adam(whole.Parameters, 1e-2f);

        for (int step = 0; step < 4; step++)
        {
            splitAdam.ZeroGradients();
            wholeAdam.ZeroGradients();
            double splitLoss = split.ComputeLossAndGradients(batch);
            double wholeLoss = -whole.AddLogProbGradients(batch, null, 1f / batch.Rows) / batch.Rows;
            Assert.Equal(wholeLoss, splitLoss, 1e-4 * Math.Max(1, Math.Abs(wholeLoss)));
            splitAdam.Step();
            wholeAdam.Step();
        }

        Assert.True(Math.Abs(split.ComputeLossAndGradients(batch) - Loss(whole, batch)) < 1e-3);
    }

    [Fact]
    public void SplitStep_AfterANonFiniteStep_HasTheGradientsOfAFreshFlow()
    {
        Flow used = PerturbedFlow(FlowKind.RealNvp, memorySaving: false);
        Flow fresh = PerturbedFlow(FlowKind.RealNvp, memorySaving: false);
        Tensor poisoned = Batch(256);
        poisoned.Data[0] = float.NaN; // in the first shard, so the replica's shard still back-propagates
        Tensor batch = Batch(256);

        Assert.False(double.IsFinite(used.ComputeLossAndGradients(poisoned)));
        foreach (Parameter parameter in used.Parameters)
        {
            parameter.ZeroGradient();
        }

        double usedLoss = used.ComputeLossAndGradients(batch);
        double freshLoss = fresh.ComputeLossAndGradients(batch);

        Assert.Equal(freshLoss, usedLoss);
        for (int p = 0; p < fresh.Parameters.Count; p++)
        {
            Assert.Equal(fresh.Parameters[p].Gradient.Data, used.Parameters[p].Gradient.Data);
        }
    }

    [Fact]
    public void SplitStep_AllocatesNothingOnceItsBuffersExist()
    {
        Flow flow = PerturbedFlow(FlowKind.RealNvp, memorySaving: false);
        Tensor batch = Batch(256);
        var adam = new Adam(flow.Parameters, 1e-3f);
        for (int warm = 0; warm < 3; warm++)
        {
            adam.ZeroGradients();
            flow.ComputeLossAndGradients(batch);
            adam.Step();
        }

        // The count covers every thread, the test runner's too, which may allocate now and then while it
        // reports other tests: a step that allocated would show in every window, the runner in a few.
        long fewest = long.MaxValue;
        for (int window = 0; window < 5 && fewest > 0; window++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int step = 0; step < 5; step++)
            {
                adam.ZeroGradients();
                flow.ComputeLossAndGradients(batch);
                adam.Step();
            }

            fewest = Math.Min(fewest, GC.GetTotalAllocatedBytes(precise: true) - before);
        }

        Assert.Equal(0, fewest);
    }

    [Fact]
    public void SmallBatchesImageFlowsAndContext_AreNotSplit()
    {
        Flow tabular = PerturbedFlow(FlowKind.RealNvp, memorySaving: false);
        Assert.Equal(1, tabular.TrainingThreads(127));
        Assert.False(DataParallelTraining.Supports(tabular, 128, hasContext: true));
        Assert.True(DataParallelTraining.Supports(tabular, 128, hasContext: false));

        var imageSpec = new FlowSpec { Kind = FlowKind.RealNvpImage, Features = 64, ImageShape = [1, 8, 8] };
        Flow image = FlowBuilder.Build(imageSpec, new RandomSource(1));
        Assert.Equal(1, image.TrainingThreads(256));
    }

    private static double TrainSteps(Flow flow, Tensor batch, int steps)
    {
        var adam = new Adam(flow.Parameters, 1e-2f);
        double loss = 0;
        for (int step = 0; step < steps; step++)
        {
            adam.ZeroGradients();
            loss = flow.ComputeLossAndGradients(batch);
            adam.Step();
        }

        adam.ZeroGradients();
        flow.ComputeLossAndGradients(batch);

        return loss;
    }

    private static double Loss(Flow flow, Tensor batch) =>
        -flow.LogProb(batch).Select(v => (double)v).Sum() / batch.Rows;

    private static void AssertGradientsClose(Flow expected, Flow actual)
    {
        for (int p = 0; p < expected.Parameters.Count; p++)
        {
            float[] e = expected.Parameters[p].Gradient.Data;
            float[] a = actual.Parameters[p].Gradient.Data;
            float scale = Math.Max(1e-3f, e.Max(Math.Abs));
            for (int i = 0; i < e.Length; i++)
            {
                Assert.True(
                    Math.Abs(e[i] - a[i]) <= 1e-4f * scale,
                    $"{expected.Parameters[p].Name}[{i}]: whole batch {e[i]}, split {a[i]}");
            }
        }
    }

    private static Flow PerturbedFlow(FlowKind kind, bool memorySaving)
    {
        var spec = new FlowSpec { Kind = kind, Features = Features, Layers = 4, HiddenFeatures = 24 };
        var random = new RandomSource(21);
        Flow flow = FlowBuilder.Build(spec, random);
        foreach (Parameter parameter in flow.Parameters.Where(p => p.Trainable))
        {
            random.FillGaussian(parameter.Value.Data, 0.1f);
        }

        ((CompositeTransform)flow.Transform).MemorySaving = memorySaving;

        return flow;
    }

    private static Tensor Batch(int rows)
    {
        var x = new Tensor(rows, Features);
        new RandomSource(9).FillGaussian(x.Data);
        return x;
    }
}
