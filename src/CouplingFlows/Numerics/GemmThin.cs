using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CouplingFlows.Numerics;

/// <summary>
/// Products too thin for register tiles: a tiny inner dimension (the first layer of a conditioner on 2-d data),
/// or a few columns of C with A stored transposed (the weight gradient of a layer with one or two outputs).
/// </summary>
/// <remarks>
/// <para>Both paths sum C[i, j] ← fma(a_ip, b_pj, C[i, j]) for p = 0, 1, …, k − 1 from β C[i, j], the same
/// rounding steps in the same order as the register tiles (<see cref="GemmTiles"/>), so which path computes an
/// element never changes its bits. Every vector width and the scalar tail use fused multiply-adds, so they agree
/// as well.</para>
/// <para>Row path (k ≤ <see cref="MaxShallowDepth"/>, or at most <see cref="MaxRowPathRows"/> rows of C):
/// C is written row by row, each row a sum of k scaled rows of op(B), so C is read and written once and nothing
/// is packed except a transposed B (only when k is tiny).</para>
/// <para>Narrow (n ≤ <see cref="MaxNarrowColumns"/>, A stored (k, m)): the vectors run down the columns of C,
/// 64 rows at a time, loading contiguous rows of the stored A and broadcasting one value of B per column, so no
/// lane is wasted on padding.</para>
/// </remarks>
internal static unsafe class GemmThin
{
    /// <summary>
    /// The deepest product the shallow path takes: up to 4 terms per element, tiles would spend more on loading
    /// and storing C and on packing than on arithmetic.
    /// </summary>
    internal const int MaxShallowDepth = 4;

    /// <summary>
    /// The most columns the narrow path takes: up to 8, a register tile would leave at least half of its lanes
    /// on zero padding.
    /// </summary>
    internal const int MaxNarrowColumns = 8;

    /// <summary>
    /// The most rows the row path takes for any k: with so few rows a register tile would mostly hold padding,
    /// while the row path reads each row of B once per row of C.
    /// </summary>
    internal const int MaxRowPathRows = 4;

    /// <summary>Rows of C per step of the narrow path: four vectors of 16.</summary>
    private const int NarrowRows = 64;

    /// <summary>
    /// Computes C[rowStart .. rowEnd, columnStart .. columnEnd] row by row: for k ≤ <see cref="MaxShallowDepth"/>,
    /// or for at most <see cref="MaxRowPathRows"/> rows with B stored (k, n).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyByRows(
        in GemmOperands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        int k = operands.K;
        int width = columnEnd - columnStart;
        float* b = operands.B + columnStart;
        nint ldb = operands.N;
        if (operands.TransposeB)
        {
            // k rows of op(B), gathered once from the columns of the stored (n, k) matrix.
            Debug.Assert(k <= MaxShallowDepth);
            float* packed = GemmWorkspace.Current.Panels(k * width);
            for (int j = 0; j < width; j++)
            {
                float* from = operands.B + ((nint)(columnStart + j) * k);
                for (int p = 0; p < k; p++)
                {
                    packed[((nint)p * width) + j] = from[p];
                }
            }

            b = packed;
            ldb = width;
        }

        for (int i = rowStart; i < rowEnd; i++)
        {
            float* a = operands.AddressA(i, 0, out _, out nint depthStride);
            float* c = operands.C + ((nint)i * operands.N) + columnStart;
            RowOfC(a, depthStride, k, b, ldb, c, width, operands.Accumulate);
        }
    }

    /// <summary>
    /// Computes C[rowStart .. rowEnd, columnStart .. columnEnd] for A stored (k, m) and at most
    /// <see cref="MaxNarrowColumns"/> columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void MultiplyNarrow(
        in GemmOperands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        Debug.Assert(Vector512.IsHardwareAccelerated && operands.TransposeA);
        Debug.Assert(columnEnd - columnStart <= MaxNarrowColumns);

        // op(B)[p, j] for the column range, and the strides between p and between j.
        nint depthStride = operands.TransposeB ? 1 : operands.N;
        nint columnStride = operands.TransposeB ? operands.K : 1;
        int i = rowStart;
        for (; i + NarrowRows <= rowEnd; i += NarrowRows)
        {
            for (int j = columnStart; j < columnEnd; j += 2)
            {
                float* b = operands.B + (j * columnStride);
                bool pair = j + 1 < columnEnd;
                NarrowBlock(operands, i, j, pair, b, depthStride, columnStride);
            }
        }

        for (; i < rowEnd; i++)
        {
            for (int j = columnStart; j < columnEnd; j++)
            {
                float* b = operands.B + (j * columnStride);
                float* c = operands.C + ((nint)i * operands.N) + j;
                float sum = operands.Accumulate ? *c : 0f;
                for (int p = 0; p < operands.K; p++)
                {
                    sum = MathF.FusedMultiplyAdd(operands.A[((nint)p * operands.M) + i], b[p * depthStride], sum);
                }

                *c = sum;
            }
        }
    }

    /// <summary>
    /// c[j] = β c[j] + Σ_p a[p · das] · b[p · ldb + j] for j &lt; width: eight vectors of C at a time, enough
    /// independent sums to hide the latency of the fused multiply-add when k is long.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowOfC(float* a, nint das, int k, float* b, nint ldb, float* c, int width, bool load)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + (8 * Vector512<float>.Count) <= width; j += 8 * Vector512<float>.Count)
            {
                EightVectors(a, das, k, b + j, ldb, c + j, load);
            }

            for (; j + Vector512<float>.Count <= width; j += Vector512<float>.Count)
            {
                Vector512<float> sum = load ? Vector512.Load(c + j) : Vector512<float>.Zero;
                for (int p = 0; p < k; p++)
                {
                    Vector512<float> x = Vector512.Create(a[p * das]);
                    sum = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + (p * ldb) + j), sum);
                }

                sum.Store(c + j);
            }
        }

        for (; j + Vector<float>.Count <= width; j += Vector<float>.Count)
        {
            Vector<float> sum = load ? Vector.Load(c + j) : Vector<float>.Zero;
            for (int p = 0; p < k; p++)
            {
                sum = Vector.FusedMultiplyAdd(Vector.Create(a[p * das]), Vector.Load(b + (p * ldb) + j), sum);
            }

            sum.Store(c + j);
        }

        for (; j < width; j++)
        {
            float sum = load ? c[j] : 0f;
            for (int p = 0; p < k; p++)
            {
                sum = MathF.FusedMultiplyAdd(a[p * das], b[(p * ldb) + j], sum);
            }

            c[j] = sum;
        }
    }

    /// <summary>128 columns of one row of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void EightVectors(float* a, nint das, int k, float* b, nint ldb, float* c, bool load)
    {
        float* cIn = load ? c : GemmWorkspace.Zeros;
        Vector512<float> s0 = Vector512.Load(cIn), s1 = Vector512.Load(cIn + 16);
        Vector512<float> s2 = Vector512.Load(cIn + 32), s3 = Vector512.Load(cIn + 48);
        Vector512<float> s4 = Vector512.Load(cIn + 64), s5 = Vector512.Load(cIn + 80);
        Vector512<float> s6 = Vector512.Load(cIn + 96), s7 = Vector512.Load(cIn + 112);
        for (int p = 0; p < k; p++)
        {
            Vector512<float> x = Vector512.Create(*a);
            s0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b), s0);
            s1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 16), s1);
            s2 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 32), s2);
            s3 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 48), s3);
            s4 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 64), s4);
            s5 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 80), s5);
            s6 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 96), s6);
            s7 = Vector512.FusedMultiplyAdd(x, Vector512.Load(b + 112), s7);
            a += das;
            b += ldb;
        }

        s0.Store(c);
        s1.Store(c + 16);
        s2.Store(c + 32);
        s3.Store(c + 48);
        s4.Store(c + 64);
        s5.Store(c + 80);
        s6.Store(c + 96);
        s7.Store(c + 112);
    }

    /// <summary>
    /// Rows [row, row + 64) of column j (and j + 1 when <paramref name="pair"/>) of C: eight accumulators of 16
    /// rows, C moved through a small transposed scratch because its columns are strided.
    /// </summary>
    private static void NarrowBlock(
        in GemmOperands operands, int row, int j, bool pair, float* b, nint depthStride, nint columnStride)
    {
        int columns = pair ? 2 : 1;
        float* scratch = stackalloc float[2 * NarrowRows];
        float* c = operands.C + ((nint)row * operands.N) + j;
        for (int r = 0; r < NarrowRows; r++)
        {
            for (int q = 0; q < columns; q++)
            {
                scratch[(q * NarrowRows) + r] = operands.Accumulate ? c[(r * operands.N) + q] : 0f;
            }
        }

        Vector512<float> s00 = Vector512.Load(scratch), s01 = Vector512.Load(scratch + 16);
        Vector512<float> s02 = Vector512.Load(scratch + 32), s03 = Vector512.Load(scratch + 48);
        Vector512<float> s10 = Vector512.Load(scratch + 64), s11 = Vector512.Load(scratch + 80);
        Vector512<float> s12 = Vector512.Load(scratch + 96), s13 = Vector512.Load(scratch + 112);
        float* a = operands.A + row;
        float* second = b + (pair ? columnStride : 0);
        for (int p = 0; p < operands.K; p++)
        {
            Vector512<float> a0 = Vector512.Load(a), a1 = Vector512.Load(a + 16);
            Vector512<float> a2 = Vector512.Load(a + 32), a3 = Vector512.Load(a + 48);
            Vector512<float> x0 = Vector512.Create(b[p * depthStride]);
            Vector512<float> x1 = Vector512.Create(second[p * depthStride]);
            s00 = Vector512.FusedMultiplyAdd(a0, x0, s00);
            s01 = Vector512.FusedMultiplyAdd(a1, x0, s01);
            s02 = Vector512.FusedMultiplyAdd(a2, x0, s02);
            s03 = Vector512.FusedMultiplyAdd(a3, x0, s03);
            s10 = Vector512.FusedMultiplyAdd(a0, x1, s10);
            s11 = Vector512.FusedMultiplyAdd(a1, x1, s11);
            s12 = Vector512.FusedMultiplyAdd(a2, x1, s12);
            s13 = Vector512.FusedMultiplyAdd(a3, x1, s13);
            a += operands.M;
        }

        s00.Store(scratch);
        s01.Store(scratch + 16);
        s02.Store(scratch + 32);
        s03.Store(scratch + 48);
        s10.Store(scratch + 64);
        s11.Store(scratch + 80);
        s12.Store(scratch + 96);
        s13.Store(scratch + 112);
        for (int r = 0; r < NarrowRows; r++)
        {
            for (int q = 0; q < columns; q++)
            {
                c[(r * operands.N) + q] = scratch[(q * NarrowRows) + r];
            }
        }
    }
}
