namespace CouplingFlows.Cli.Benchmarks;

/// <summary>How a benchmark run is sized.</summary>
internal sealed record BenchOptions
{
    /// <summary>Measured training steps (after the warm-up).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Unmeasured steps first (JIT, buffers, caches).</summary>
    public int WarmupSteps { get; init; } = 5;

    /// <summary>
    /// The least time the warm-up lasts, whatever its step count: the runtime recompiles hot methods with
    /// full optimisation on a background thread during the first second or so, which on two cores would
    /// slow the steps measured while it runs.
    /// </summary>
    public TimeSpan WarmupTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Rows per training batch.</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Rows per log_prob and sampling batch.</summary>
    public int ThroughputBatch { get; init; } = 4096;

    /// <summary>Coupling layers.</summary>
    public int Layers { get; init; } = 8;

    /// <summary>Where the MNIST IDX images are; null searches ../shared/data from the repository.</summary>
    public string? MnistPath { get; init; }

    /// <summary>Seed of weights and batches.</summary>
    public long Seed { get; init; }
}
