using System.Diagnostics;

namespace CouplingFlows.Numerics;

/// <summary>
/// Optional process-wide counters of the matrix products: floating-point operations and time spent.
/// </summary>
/// <remarks>Off by default; the benchmark turns them on to report the GFLOP/s reached by the products
/// (2·m·n·k operations per product). Counting costs two timestamps per product.</remarks>
public static class GemmStatistics
{
    private static long _flops;
    private static long _ticks;
    private static long _calls;

    /// <summary>Whether products are counted.</summary>
    public static bool Enabled { get; set; }

    /// <summary>Floating-point operations counted since the last reset.</summary>
    public static long Flops => Interlocked.Read(ref _flops);

    /// <summary>Products counted since the last reset.</summary>
    public static long Calls => Interlocked.Read(ref _calls);

    /// <summary>Wall time inside the counted products since the last reset.</summary>
    public static TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    /// <summary>GFLOP/s over the counted products, or 0 before any.</summary>
    public static double GigaflopsPerSecond =>
        Elapsed.TotalSeconds > 0 ? Flops / Elapsed.TotalSeconds / 1e9 : 0;

    /// <summary>Sets the counters to zero.</summary>
    public static void Reset()
    {
        Interlocked.Exchange(ref _flops, 0);
        Interlocked.Exchange(ref _ticks, 0);
        Interlocked.Exchange(ref _calls, 0);
    }

    internal static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    internal static void Stop(long start, int m, int n, int k)
    {
        if (start == 0)
        {
            return;
        }

        Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
        Interlocked.Add(ref _flops, 2L * m * n * k);
        Interlocked.Increment(ref _calls);
    }
}
