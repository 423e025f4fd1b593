using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Flows;

/// <summary>Inference on a trained flow from many threads at once gives exactly the sequential results.</summary>
public sealed class FlowConcurrencyTests
{
    private const int Threads = 8;
    private const int Items = 16;
    private const int Rounds = 2;

    public static TheoryData<FlowKind, PreprocessingKind> Flows => new()
    {
        { FlowKind.RealNvp, PreprocessingKind.Standardize },
        { FlowKind.Nice, PreprocessingKind.DequantizeLogit },
    };

    [Theory]
    [MemberData(nameof(Flows))]
    public void LogProbAndSample_FromEightThreadsAtOnce_MatchSequentialResultsBitForBit(
        FlowKind kind, PreprocessingKind preprocessing)
    {
        Flow flow = PerturbedFlow(kind, preprocessing);
        Tensor[] batches = [.. Enumerable.Range(0, Items).Select(i => Batch(i, 1 + (i * 37 % 100)))];
        float[][] expectedLogProb = [.. batches.Select(b => flow.LogProb(b))];
        FlowSample[] expectedSamples = [.. Enumerable.Range(0, Items).Select(i => Draw(flow, i))];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var start = new Barrier(Threads);

        Thread[] workers = [.. Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int n = 0; n < Items * Rounds; n++)
            {
                int i = (n + (t * 5)) % Items;
                if (!Same(flow.LogProb(batches[i]), expectedLogProb[i]))
                {
                    failures.Enqueue($"thread {t}: LogProb of batch {i} differs");
                }

                FlowSample sample = Draw(flow, i);
                if (!Same(sample.Samples.Data, expectedSamples[i].Samples.Data)
                    || !Same(sample.LogProb, expectedSamples[i].LogProb))
                {
                    failures.Enqueue($"thread {t}: sample {i} differs");
                }
            }
        }))];
        foreach (Thread worker in workers)
        {
            worker.Start();
        }

        foreach (Thread worker in workers)
        {
            worker.Join();
        }

        Assert.Empty(failures);
    }

    private static FlowSample Draw(Flow flow, int i) => flow.SampleWithLogProb(1 + (i * 53 % 80), new RandomSource(i));

    private static bool Same(float[] a, float[] b) =>
        a.Length == b.Length && a.AsSpan().SequenceEqual(b);

    /// <summary>A flow far from its initialisation: every learnable value gets Gaussian noise.</summary>
    private static Flow PerturbedFlow(FlowKind kind, PreprocessingKind preprocessing)
    {
        var spec = new FlowSpec
        {
            Kind = kind,
            Features = 6,
            Layers = 4,
            HiddenFeatures = 32,
            Preprocessing = preprocessing,
            Levels = 8,
        };
        var random = new RandomSource(3);
        Flow flow = FlowBuilder.Build(spec, random);
        foreach (var parameter in flow.Parameters.Where(p => p.Trainable))
        {
            random.FillGaussian(parameter.Value.Data, 0.3f);
        }

        return flow;
    }

    private static Tensor Batch(int seed, int rows)
    {
        var x = new Tensor(rows, 6);
        new RandomSource(100 + seed).FillUniform(x.Data, 0.5f, 7.5f);
        return x;
    }
}
