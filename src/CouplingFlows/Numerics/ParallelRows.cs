using System.Runtime.ExceptionServices;

namespace CouplingFlows.Numerics;

/// <summary>
/// Row-parallel inference: a large batch is cut into blocks of rows that threads take in turn, each
/// block running through the whole computation on one thread.
/// </summary>
/// <remarks>
/// <para>Every transform in this library treats the rows of a batch independently when it is not
/// training, so block b of the output depends only on block b of the input. Sharing whole blocks
/// needs no synchronisation inside the layers (unlike sharing each matrix product), keeps a block's
/// activations in cache, and gives the same bits as one thread: a row's result never depends on which
/// thread computed it or on the block it was in, since each element of a product is summed in the
/// same order whatever the number of rows.</para>
/// </remarks>
internal static class ParallelRows
{
    /// <summary>Rows per block: 256 rows of 256 activations (256 KiB) stay in a core's L2 cache.</summary>
    public const int BlockRows = 256;

    /// <summary>Calls <paramref name="body"/>(start, count) for every block of <paramref name="rows"/>
    /// rows, on up to <see cref="Gemm.MaxDegreeOfParallelism"/> threads; runs inline when there is one
    /// block or one thread.</summary>
    /// <param name="rows">The batch size.</param>
    /// <param name="body">Computes rows [start, start + count); must write only its own rows.</param>
    /// <remarks>An exception from a block is rethrown as it was thrown, not wrapped.</remarks>
    public static void For(int rows, Action<int, int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int blocks = (rows + BlockRows - 1) / BlockRows;
        int threads = Math.Min(Math.Min(Gemm.MaxDegreeOfParallelism, Environment.ProcessorCount), blocks);
        if (threads <= 1 || Gemm.SerialOnThisThread)
        {
            body(0, rows);
            return;
        }

        if (threads == 2)
        {
            // Two threads: the long-lived helper of the matrix products, which is awake within microseconds,
            // rather than a thread-pool task, whose start varied by milliseconds on our two-core machine.
            var claims = new BlockClaims(rows, blocks, body);
            GemmParallel.RunPair(claims, claims, threads);
            return;
        }

        try
        {
            var options = new ParallelOptions { MaxDegreeOfParallelism = threads };
            Parallel.For(0, blocks, options, block => RunSerial(block, rows, body));
        }
        catch (AggregateException aggregate) when (aggregate.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(aggregate.InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>Copies rows [start, start + count) of a (B, …) tensor into a new tensor (on a recycled
    /// buffer inside a block, see <see cref="ScratchArrays"/>).</summary>
    public static Tensor Slice(Tensor source, int start, int count)
    {
        int width = source.RowLength;
        int[] shape = [.. source.Shape];
        shape[0] = count;

        float[] data = ScratchArrays.Rent(count * width, clear: false);
        source.Data.AsSpan(start * width, count * width).CopyTo(data);

        return new Tensor(data, shape);
    }

    private static void RunSerial(int block, int rows, Action<int, int> body)
    {
        int start = block * BlockRows;
        int count = Math.Min(BlockRows, rows - start);
        bool wasSerial = Gemm.SerialOnThisThread;
        Gemm.SerialOnThisThread = true;
        ScratchArrays.Enter();
        try
        {
            body(start, count);
        }
        finally
        {
            ScratchArrays.Exit();
            Gemm.SerialOnThisThread = wasSerial;
        }
    }

    /// <summary>Blocks claimed one at a time from a shared counter by whichever thread runs
    /// <see cref="Run"/>; each thread stops when none is left.</summary>
    private sealed class BlockClaims(int rows, int blocks, Action<int, int> body) : IHelperJob
    {
        private int _next;

        public void Run()
        {
            int block;
            while ((block = Interlocked.Increment(ref _next) - 1) < blocks)
            {
                RunSerial(block, rows, body);
            }
        }
    }
}
