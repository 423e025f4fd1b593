using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

using CouplingFlows.Numerics;

namespace CouplingFlows.Benchmarks;

/// <summary>
/// The matrix products of one training step at batch 256, on one and two threads.
/// </summary>
/// <remarks>
/// Run: <c>dotnet run -c Release --project bench/CouplingFlows.Benchmarks -- --filter *Gemm*</c>. The job is
/// short (a few 100 ms iterations per case) so the whole class finishes in about two minutes; compare GFLOP/s
/// between runs made in one sitting, since a shared two-core machine varies by tens of percent.
/// </remarks>
[Config(typeof(Config))]
public class GemmBenchmarks
{
    private float[] _a = [];
    private float[] _b = [];
    private float[] _c = [];

    /// <summary>The product.</summary>
    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.TrainingStep().First();

    /// <summary>The value of <see cref="Gemm.MaxDegreeOfParallelism"/>.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>The shapes <see cref="Shape"/> takes.</summary>
    public static IEnumerable<GemmShape> Shapes() => GemmShape.TrainingStep();

    /// <summary>Fills the operands with values in [−0.5, 0.5) and sets the thread count.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _a = Enumerable.Range(0, Shape.M * Shape.K).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _b = Enumerable.Range(0, Shape.K * Shape.N).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        _c = new float[Shape.M * Shape.N];
        Gemm.MaxDegreeOfParallelism = Threads;
    }

    /// <summary>C = op(A) · op(B).</summary>
    [Benchmark]
    public void Multiply()
    {
        Gemm.Multiply(Shape.LayoutA, Shape.LayoutB, Shape.M, Shape.N, Shape.K, _a, _b, _c, accumulate: false);
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.ShortRun
                .WithLaunchCount(1)
                .WithWarmupCount(3)
                .WithIterationCount(7)
                .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(100)));
            AddColumn(new GflopsColumn());
        }
    }
}
