using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace CouplingFlows.Numerics;

/// <summary>
/// Shares a large product out between the calling thread and long-lived worker threads, as blocks of whole
/// columns (or rows) of C that each thread claims in turn.
/// </summary>
/// <remarks>
/// <para>Handing work to a thread-pool task for each product costs more than a small product takes, so the
/// workers are dedicated threads that spin briefly after each job (products come in quick succession during a
/// training step) and then sleep. Blocks are claimed one at a time from a shared counter, so a thread that
/// runs slower (its core is busy with another process) simply computes fewer blocks; a worker that has not
/// started by the time the blocks run out is told to skip the job.</para>
/// <para>Blocks are made of whole columns or whole rows of C, never of part of k, so every element is computed
/// exactly as on one thread (see <see cref="GemmBlocked"/>).</para>
/// <para>One product at a time uses the workers; a product that finds them busy (another thread is multiplying)
/// runs on its own thread.</para>
/// </remarks>
internal static class GemmParallel
{
    /// <summary>
    /// The least work, in floating-point operations (2·m·n·k), that pays for one more thread: below about
    /// 4 MFLOP (some 30 µs on one core) the hand-off costs more than the second core gives. Settable for tests
    /// and measurements only.
    /// </summary>
    internal static double MinFlopsPerThread { get; set; } = 4e6;

    /// <summary>
    /// Work per claimed block, about 4 MFLOP: small enough that a thread slowed by another process leaves the
    /// remaining blocks to the other, large enough that claiming a block costs nothing measurable (measured on
    /// two cores, 4 MFLOP blocks matched or beat one half per thread). Settable for tests and measurements only.
    /// </summary>
    internal static double FlopsPerBlock { get; set; } = 4e6;

    private static readonly Lock Gate = new();
    private static readonly SharedProduct Product = new();
    private static GemmWorker[] _workers = [];

    /// <summary>
    /// How many threads a product of this shape should use: at most <paramref name="maxDegree"/> and the number
    /// of processors, since a spinning helper without a core of its own only slows the others.
    /// </summary>
    internal static int ThreadCount(int m, int n, int k, int maxDegree)
    {
        double flops = 2.0 * m * n * k;
        int byWork = (int)Math.Min(Math.Min(maxDegree, Environment.ProcessorCount), flops / MinFlopsPerThread);
        int tiles = Math.Max(TileCount(n, GemmTiles.Columns), TileCount(m, GemmTiles.Rows));

        return Math.Max(1, Math.Min(byWork, tiles));
    }

    /// <summary>
    /// Computes the product on up to <paramref name="threads"/> threads; returns false, having done nothing,
    /// when the workers are in use by another product.
    /// </summary>
    internal static bool TryMultiply(in GemmOperands operands, int threads)
    {
        Debug.Assert(threads > 1);
        if (!Gate.TryEnter())
        {
            return false;
        }

        try
        {
            GemmWorker[] workers = EnsureWorkers(threads - 1);
            bool byColumns = SplitByColumns(operands.M, operands.N, threads);
            Product.Start(operands, byColumns, BlockCount(operands, byColumns, threads));
            for (int worker = 0; worker < threads - 1; worker++)
            {
                workers[worker].Post(Product);
            }

            Product.ComputeBlocks();
            for (int worker = 0; worker < threads - 1; worker++)
            {
                workers[worker].Finish();
            }
        }
        finally
        {
            Gate.Exit();
        }

        return true;
    }

    /// <summary>
    /// Runs <paramref name="callerJob"/> on the calling thread and <paramref name="helperJob"/> on a helper at
    /// the same time, or both in turn on the calling thread when the helpers are busy, there is one processor,
    /// or <paramref name="maxDegree"/> is 1. Products inside either job stay on the thread that runs it.
    /// </summary>
    /// <remarks>Allocates nothing. An exception from either job is rethrown once both have stopped.</remarks>
    internal static void RunPair(IHelperJob callerJob, IHelperJob helperJob, int maxDegree)
    {
        bool wasSerial = Gemm.SerialOnThisThread;
        Gemm.SerialOnThisThread = true;
        try
        {
            if (maxDegree < 2 || Environment.ProcessorCount < 2 || wasSerial || !Gate.TryEnter())
            {
                callerJob.Run();
                helperJob.Run();
                return;
            }

            try
            {
                GemmWorker worker = EnsureWorkers(1)[0];
                worker.Post(helperJob);
                try
                {
                    callerJob.Run();
                }
                finally
                {
                    if (!worker.Finish())
                    {
                        helperJob.Run();
                    }
                }
            }
            finally
            {
                Gate.Exit();
            }
        }
        finally
        {
            Gemm.SerialOnThisThread = wasSerial;
        }
    }

    /// <summary>
    /// Columns when there are enough column panels to share out (each block then packs only its own panels of
    /// B), rows otherwise.
    /// </summary>
    internal static bool SplitByColumns(int m, int n, int threads)
    {
        int columnTiles = TileCount(n, GemmTiles.Columns);

        return columnTiles >= 2 * threads || columnTiles >= TileCount(m, GemmTiles.Rows);
    }

    /// <summary>Block <paramref name="block"/> of <paramref name="blocks"/>: whole tiles, shared out evenly.</summary>
    internal static Rectangle Part(in GemmOperands operands, bool byColumns, int block, int blocks)
    {
        int extent = byColumns ? operands.N : operands.M;
        int unit = byColumns ? GemmTiles.Columns : GemmTiles.Rows;
        int tiles = TileCount(extent, unit);
        int start = Math.Min(extent, (int)((long)tiles * block / blocks) * unit);
        int end = Math.Min(extent, (int)((long)tiles * (block + 1) / blocks) * unit);

        return byColumns
            ? new Rectangle(0, operands.M, start, end)
            : new Rectangle(start, end, 0, operands.N);
    }

    /// <summary>How many blocks a product is cut into: about <see cref="FlopsPerBlock"/> each, at least one per
    /// thread.</summary>
    internal static int BlockCount(in GemmOperands operands, bool byColumns, int threads)
    {
        double flops = 2.0 * operands.M * operands.N * operands.K;
        int wanted = Math.Max(threads, (int)Math.Min(int.MaxValue, flops / FlopsPerBlock));
        int tiles = byColumns ? TileCount(operands.N, GemmTiles.Columns) : TileCount(operands.M, GemmTiles.Rows);

        return Math.Min(wanted, tiles);
    }

    private static int TileCount(int extent, int unit) => (extent + unit - 1) / unit;

    private static GemmWorker[] EnsureWorkers(int count)
    {
        if (_workers.Length < count)
        {
            var grown = new GemmWorker[count];
            _workers.CopyTo(grown, 0);
            for (int i = _workers.Length; i < count; i++)
            {
                grown[i] = new GemmWorker(i + 1);
            }

            _workers = grown;
        }

        return _workers;
    }

    /// <summary>Rows [RowStart, RowEnd) × columns [ColumnStart, ColumnEnd) of C.</summary>
    internal readonly record struct Rectangle(int RowStart, int RowEnd, int ColumnStart, int ColumnEnd)
    {
        public bool IsEmpty => RowStart >= RowEnd || ColumnStart >= ColumnEnd;
    }

    /// <summary>The product being shared out and the counter from which threads claim its blocks.</summary>
    private sealed class SharedProduct : IHelperJob
    {
        private GemmOperands _operands;
        private bool _byColumns;
        private int _blocks;
        private int _claimed;

        internal void Start(in GemmOperands operands, bool byColumns, int blocks)
        {
            _operands = operands;
            _byColumns = byColumns;
            _blocks = blocks;
            Volatile.Write(ref _claimed, 0);
        }

        /// <inheritdoc/>
        public void Run() => ComputeBlocks();

        /// <summary>Claims and computes blocks until none is left.</summary>
        internal void ComputeBlocks()
        {
            int block;
            while ((block = Interlocked.Increment(ref _claimed) - 1) < _blocks)
            {
                Rectangle part = Part(_operands, _byColumns, block, _blocks);
                if (!part.IsEmpty)
                {
                    GemmBlocked.Multiply(_operands, part.RowStart, part.RowEnd, part.ColumnStart, part.ColumnEnd);
                }
            }
        }
    }

    /// <summary>A long-lived thread that helps with one shared product at a time.</summary>
    private sealed class GemmWorker
    {
        private const int Idle = 0;
        private const int Posted = 1;
        private const int Running = 2;
        private const int Finished = 3;

        /// <summary>How long an idle worker keeps spinning for the next job before it sleeps: 100 µs.</summary>
        private static readonly long SpinTicks = Stopwatch.Frequency / 10_000;

        private readonly object _sleep = new();
        private IHelperJob? _job;
        private int _state;
        private int _sleeping;
        private ExceptionDispatchInfo? _failure;

        internal GemmWorker(int index)
        {
            // Waiting and pulsing turn the lock into a full monitor, which allocates once: do it here, so that
            // waking a sleeping worker from a training step later allocates nothing.
            lock (_sleep)
            {
                Monitor.PulseAll(_sleep);
            }

            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = $"CouplingFlows GEMM worker {index}",
            };
            thread.Start();
        }

        /// <summary>Asks the worker to run a job, whose data must stay valid until <see cref="Finish"/>
        /// returns.</summary>
        internal void Post(IHelperJob job)
        {
            _job = job;

            // The exchange is a full fence: the job is visible before the sleeping flag is read, and a worker
            // that set the flag after this read sees the Posted state before it sleeps.
            Interlocked.Exchange(ref _state, Posted);
            if (Volatile.Read(ref _sleeping) != 0)
            {
                lock (_sleep)
                {
                    Monitor.Pulse(_sleep);
                }
            }
        }

        /// <summary>
        /// Waits for the worker to finish the job, or withdraws the job from a worker that has not started it.
        /// </summary>
        /// <returns>True when the worker ran the job, false when it was withdrawn.</returns>
        internal bool Finish()
        {
            if (Interlocked.CompareExchange(ref _state, Idle, Posted) == Posted)
            {
                return false;
            }

            var spinner = default(SpinWait);
            while (Volatile.Read(ref _state) != Finished)
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }

            Volatile.Write(ref _state, Idle);
            ExceptionDispatchInfo? failure = _failure;
            _failure = null;
            failure?.Throw();

            return true;
        }

        private void Loop()
        {
            while (true)
            {
                WaitForPost();
                if (Interlocked.CompareExchange(ref _state, Running, Posted) != Posted)
                {
                    // The caller withdrew the job.
                    continue;
                }

                try
                {
                    _job!.Run();
                }
                catch (Exception exception)
                {
                    // Any failure (in practice only running out of memory for the workspace) goes to the caller,
                    // which would otherwise wait for this thread forever.
                    _failure = ExceptionDispatchInfo.Capture(exception);
                }

                Volatile.Write(ref _state, Finished);
            }
        }

        private void WaitForPost()
        {
            long deadline = Stopwatch.GetTimestamp() + SpinTicks;
            while (Volatile.Read(ref _state) != Posted)
            {
                if (Stopwatch.GetTimestamp() < deadline)
                {
                    Thread.SpinWait(20);
                    continue;
                }

                lock (_sleep)
                {
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _state) != Posted)
                    {
                        Monitor.Wait(_sleep);
                    }

                    Volatile.Write(ref _sleeping, 0);
                }

                deadline = Stopwatch.GetTimestamp() + SpinTicks;
            }
        }
    }
}
