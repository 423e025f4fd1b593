using System.Diagnostics;

namespace CouplingFlows.Numerics;

/// <summary>
/// Single-precision general matrix product on row-major buffers.
/// </summary>
/// <remarks>
/// <para>C = op(A) · op(B) + β C, with op(A) of shape (m, k), op(B) of shape (k, n) and C of
/// shape (m, n); β is 0 or 1 (<c>accumulate</c>).</para>
/// <para>C[i, j] is summed as c ← fma(op(A)[i, p], op(B)[p, j], c) for p = 0, 1, …, k − 1, starting from
/// β C[i, j]: one rounding per term, always in ascending p. The order does not depend on the processor's vector
/// width, on the blocking or on <see cref="MaxDegreeOfParallelism"/>, so a product gives the same bits on one
/// thread as on several. The rounding error of each element is at most about k · 2⁻²⁴ · Σ_p |a_ip · b_pj|.
/// </para>
/// <para>Implementation: op(B) is packed into panels as wide as a register tile (32 columns with Vector512,
/// two vectors otherwise), a transposed B being transposed inside the packing; A is read in place in either
/// layout, except that A stored transposed with m &gt; 512 is copied into tiles. Register tiles of 8 × 32
/// (Vector512) or 6 × two vectors (Vector256 or Vector128) of C are summed in registers; the inner dimension
/// is split into blocks of at most 256 and the rows and columns into blocks that keep the packed operands in
/// cache. Products with k ≤ 4, at most 4 rows, or at most 8 columns and A stored transposed take simpler
/// paths with the same summation order. Packing buffers are per-thread and reused, so a call allocates nothing
/// once a thread has run a product of the same size.</para>
/// <para>Thread safety: any number of threads may multiply at once (on distinct C buffers); each has its own
/// packing buffers.</para>
/// </remarks>
public static class Gemm
{
    private static int s_maxDegreeOfParallelism = Environment.ProcessorCount;

    [ThreadStatic]
    private static bool t_serial;

    /// <summary>The most threads one product may use: the calling thread plus helper threads.</summary>
    /// <value>At least 1; the default is <see cref="Environment.ProcessorCount"/>, and larger values act as the
    /// processor count. Set 1 to keep every product on the calling thread.</value>
    /// <remarks>
    /// <para>Process-wide. A product is split into column (or row) blocks of C only when it has at least about
    /// 4 MFLOP (2 · m · n · k) per thread, because handing off smaller products costs more than the second core
    /// saves. Helpers are dedicated background threads, created on first use, that spin for about 0.1 ms after
    /// each job and then sleep. When several threads multiply at once, only one product at a time uses the
    /// helpers; the others run on their own thread.</para>
    /// <para>Results are bitwise identical for every setting: the split never divides the inner dimension, and
    /// each element of C is summed in the same order on every thread.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 1.</exception>
    public static int MaxDegreeOfParallelism
    {
        get => Volatile.Read(ref s_maxDegreeOfParallelism);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            Volatile.Write(ref s_maxDegreeOfParallelism, value);
        }
    }

    /// <summary>Computes C = op(A) · op(B), or adds it to C.</summary>
    /// <param name="layoutA">How A is read: Normal means A is stored (m, k), Transposed (k, m).</param>
    /// <param name="layoutB">How B is read: Normal means B is stored (k, n), Transposed (n, k).</param>
    /// <param name="m">Rows of C, at least 0.</param>
    /// <param name="n">Columns of C, at least 0.</param>
    /// <param name="k">The inner dimension, at least 0; with k = 0 the product is zero.</param>
    /// <param name="a">The A buffer, at least m·k values.</param>
    /// <param name="b">The B buffer, at least k·n values.</param>
    /// <param name="c">The C buffer, at least m·n values; only the first m·n are written. It must not overlap
    /// A or B.</param>
    /// <param name="accumulate">True to add to C (β = 1), false to overwrite it (β = 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">m, n or k is negative.</exception>
    /// <exception cref="ArgumentException">A buffer is shorter than its shape needs.</exception>
    public static void Multiply(
        MatrixLayout layoutA,
        MatrixLayout layoutB,
        int m,
        int n,
        int k,
        ReadOnlySpan<float> a,
        ReadOnlySpan<float> b,
        Span<float> c,
        bool accumulate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        RequireLength(a.Length, (long)m * k, nameof(a), layoutA == MatrixLayout.Normal ? (m, k) : (k, m));
        RequireLength(b.Length, (long)k * n, nameof(b), layoutB == MatrixLayout.Normal ? (k, n) : (n, k));
        RequireLength(c.Length, (long)m * n, nameof(c), (m, n));

        MultiplyCore(layoutA, layoutB, m, n, k, a, b, c, accumulate);
    }

    /// <summary>The counted entry point used by the layers: the product plus <see cref="GemmStatistics"/>.</summary>
    internal static void MultiplyCounted(
        MatrixLayout layoutA,
        MatrixLayout layoutB,
        int m,
        int n,
        int k,
        ReadOnlySpan<float> a,
        ReadOnlySpan<float> b,
        Span<float> c,
        bool accumulate)
    {
        long start = GemmStatistics.Start();
        MultiplyCore(layoutA, layoutB, m, n, k, a, b, c, accumulate);
        GemmStatistics.Stop(start, m, n, k);
    }

    /// <summary>
    /// <see cref="Multiply"/> without validation, on up to <see cref="MaxDegreeOfParallelism"/> threads.
    /// </summary>
    internal static void MultiplyCore(
        MatrixLayout layoutA,
        MatrixLayout layoutB,
        int m,
        int n,
        int k,
        ReadOnlySpan<float> a,
        ReadOnlySpan<float> b,
        Span<float> c,
        bool accumulate)
    {
        int degree = t_serial ? 1 : MaxDegreeOfParallelism;
        MultiplyCore(layoutA, layoutB, m, n, k, a, b, c, accumulate, degree);
    }

    /// <summary>
    /// True while the calling thread is one of several that already share the work by rows of a batch
    /// (see <see cref="ParallelRows"/>): its products then stay on it instead of calling helpers.
    /// </summary>
    internal static bool SerialOnThisThread
    {
        get => t_serial;
        set => t_serial = value;
    }

    /// <summary><see cref="Multiply"/> without validation, on up to <paramref name="maxDegree"/> threads.</summary>
    internal static unsafe void MultiplyCore(
        MatrixLayout layoutA,
        MatrixLayout layoutB,
        int m,
        int n,
        int k,
        ReadOnlySpan<float> a,
        ReadOnlySpan<float> b,
        Span<float> c,
        bool accumulate,
        int maxDegree)
    {
        Debug.Assert(m >= 0 && n >= 0 && k >= 0 && maxDegree >= 1);
        Debug.Assert(a.Length >= m * k && b.Length >= k * n && c.Length >= m * n);
        if (m == 0 || n == 0)
        {
            return;
        }

        if (k == 0)
        {
            if (!accumulate)
            {
                c[..(m * n)].Clear();
            }

            return;
        }

        fixed (float* pa = a, pb = b, pc = c)
        {
            var operands = new GemmOperands(layoutA, layoutB, m, n, k, pa, pb, pc, accumulate);
            int threads = GemmParallel.ThreadCount(m, n, k, maxDegree);
            if (threads == 1 || !GemmParallel.TryMultiply(operands, threads))
            {
                GemmBlocked.Multiply(operands, 0, m, 0, n);
            }
        }
    }

    private static void RequireLength(int length, long needed, string name, (int Rows, int Columns) stored)
    {
        if (length < needed)
        {
            throw new ArgumentException(
                $"{name} holds {length} values but a ({stored.Rows} x {stored.Columns}) operand needs {needed}.",
                name);
        }
    }

    /// <summary>Writes the transpose of a row-major (rows, columns) matrix into destination.</summary>
    internal static void Transpose(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        const int Tile = 16;
        for (int i0 = 0; i0 < rows; i0 += Tile)
        {
            int i1 = Math.Min(i0 + Tile, rows);
            for (int j0 = 0; j0 < columns; j0 += Tile)
            {
                int j1 = Math.Min(j0 + Tile, columns);
                for (int i = i0; i < i1; i++)
                {
                    for (int j = j0; j < j1; j++)
                    {
                        destination[(j * rows) + i] = source[(i * columns) + j];
                    }
                }
            }
        }
    }
}
