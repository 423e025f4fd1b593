using System.Diagnostics;
using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;
using CouplingFlows.Training;

namespace CouplingFlows.Cli.Benchmarks;

/// <summary>Measures one configuration: training step times, throughput, memory and product speed.</summary>
internal static class BenchRunner
{
    private static readonly TimeSpan MinimumThroughputTime = TimeSpan.FromSeconds(1);

    public static BenchResult Run(BenchConfig config, BenchOptions options, bool memorySaving)
    {
        BenchData data = BenchData.Load(config.Data, options);
        Flow flow = BuildFlow(config, data, options);
        if (flow.Transform is Transforms.CompositeTransform stack)
        {
            stack.MemorySaving = memorySaving;
        }

        var random = new RandomSource(options.Seed + 1);
        (double[] stepMs, long allocated, double gflops, double gemmShare, double heapMib, int nonfinite) =
            TimeSteps(flow, data, options, random);
        Array.Sort(stepMs);
        double logProbRate = Throughput(options.ThroughputBatch, () =>
            Evaluation.LogProb(flow, Batch(data, options.ThroughputBatch, random)));
        double sampleRate = Throughput(options.ThroughputBatch, () => flow.Sample(options.ThroughputBatch, random));
        using var process = Process.GetCurrentProcess();

        return new BenchResult
        {
            Config = config.Name,
            Parameters = flow.TrainableParameterCount,
            Steps = stepMs.Length,
            StepMsMedian = Round(Percentile(stepMs, 0.5)),
            StepMsP10 = Round(Percentile(stepMs, 0.1)),
            StepMsP90 = Round(Percentile(stepMs, 0.9)),
            LogProbRowsPerS = Math.Round(logProbRate),
            SampleRowsPerS = Math.Round(sampleRate),
            PeakWorkingSetMib = Round(process.PeakWorkingSet64 / (1024.0 * 1024.0)),
            HeapAfterStepMib = Round(heapMib),
            GemmGflops = Round(gflops),
            GemmShareOfStep = Round(gemmShare),
            AllocatedBytesPerStep = allocated,
            NonfiniteSteps = nonfinite,
            MemorySaving = memorySaving,
            Layers = options.Layers,
            DataNote = data.Note,
        };
    }

    private static Flow BuildFlow(BenchConfig config, BenchData data, BenchOptions options)
    {
        var spec = new FlowSpec
        {
            Kind = config.Kind,
            Features = data.Rows.RowLength,
            Layers = options.Layers,
            HiddenFeatures = 256,
            HiddenLayers = 2,
            Activation = Activation.Relu,
            Preprocessing = data.Levels is null ? PreprocessingKind.None : PreprocessingKind.DequantizeLogit,
            Levels = data.Levels ?? 256,
            Bins = 8,
            TailBound = 3f,

            // A fresh Glorot-initialised stack deeper than the standard 8 couplings can overflow float32
            // on these data (32 couplings scale by up to e^96), and a step with a non-finite loss skips its
            // backward pass; deeper stacks therefore start at the identity, which costs the same work.
            ZeroLastLayer = options.Layers > BenchConfig.StandardLayers,
        };
        Flow flow = FlowBuilder.Build(spec, new RandomSource(options.Seed));
        if (data.Levels is not null)
        {
            FlowBuilder.FitStandardization(flow, Evaluation.Dequantize(data.Rows, new RandomSource(options.Seed)));
        }

        return flow;
    }

    private static (double[] StepMs, long Allocated, double Gflops, double GemmShare, double HeapMib, int Nonfinite)
        TimeSteps(
        Flow flow, BenchData data, BenchOptions options, RandomSource random)
    {
        var adam = new Adam(flow.Parameters, 1e-3f);
        var batch = new Tensor(options.BatchSize, data.Rows.RowLength);
        double[] times = new double[options.Steps];
        long allocated = 0;
        int nonfinite = 0;
        double measuredSeconds = 0;
        long warmupStart = Stopwatch.GetTimestamp();
        int warmupSteps = 0;
        while (warmupSteps < options.WarmupSteps || Stopwatch.GetElapsedTime(warmupStart) < options.WarmupTime)
        {
            FillBatch(batch, data, random);
            adam.ZeroGradients();
            flow.ComputeLossAndGradients(batch);
            adam.Step();
            warmupSteps++;
        }

        GemmStatistics.Reset();
        GemmStatistics.Enabled = true;
        for (int step = 0; step < options.Steps; step++)
        {
            FillBatch(batch, data, random);
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long start = Stopwatch.GetTimestamp();
            adam.ZeroGradients();
            double loss = flow.ComputeLossAndGradients(batch);
            adam.Step();
            TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
            nonfinite += double.IsFinite(loss) ? 0 : 1;
            times[step] = elapsed.TotalMilliseconds;
            measuredSeconds += elapsed.TotalSeconds;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
        }

        GemmStatistics.Enabled = false;

        // With a step split by rows, both threads multiply at once and the counters add their times:
        // the products' combined speed is the per-thread speed times the threads.
        int threads = flow.TrainingThreads(options.BatchSize);
        double gemmSeconds = GemmStatistics.Elapsed.TotalSeconds / threads;
        double share = measuredSeconds > 0 ? gemmSeconds / measuredSeconds : 0;
        double gflops = gemmSeconds > 0 ? GemmStatistics.Flops / gemmSeconds / 1e9 : 0;

        // Weights, gradients, the optimiser's moments and whatever activations the layers keep between steps.
        double heapMib = GC.GetTotalMemory(forceFullCollection: true) / (1024.0 * 1024.0);
        GC.KeepAlive(adam);

        return (times, allocated / Math.Max(1, options.Steps), gflops, share, heapMib, nonfinite);
    }

    private static void FillBatch(Tensor batch, BenchData data, RandomSource random)
    {
        int width = data.Rows.RowLength;
        for (int i = 0; i < batch.Rows; i++)
        {
            int source = random.NextInt(data.Rows.Rows);
            data.Rows.Data.AsSpan(source * width, width).CopyTo(batch.Row(i));
        }

        if (data.Levels is not null)
        {
            for (int i = 0; i < batch.Length; i++)
            {
                batch.Data[i] += random.NextSingle();
            }
        }
    }

    private static Tensor Batch(BenchData data, int rows, RandomSource random)
    {
        var batch = new Tensor(rows, data.Rows.RowLength);
        FillBatch(batch, data, random);
        return batch;
    }

    /// <summary>Rows per second at the median call time, over at least 5 calls and
    /// <see cref="MinimumThroughputTime"/> after one warm-up call: the median, like the step times,
    /// so that a stray slow call (a collection, another process) does not move the figure.</summary>
    private static double Throughput(int rowsPerCall, Action call)
    {
        call();
        var seconds = new List<double>();
        long start = Stopwatch.GetTimestamp();
        while (seconds.Count < 5 || Stopwatch.GetElapsedTime(start) < MinimumThroughputTime)
        {
            long before = Stopwatch.GetTimestamp();
            call();
            seconds.Add(Stopwatch.GetElapsedTime(before).TotalSeconds);
        }

        seconds.Sort();

        return rowsPerCall / seconds[seconds.Count / 2];
    }

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? double.NaN : sorted[(int)Math.Round(q * (sorted.Length - 1))];

    private static double Round(double value) => Math.Round(value, 2);
}
