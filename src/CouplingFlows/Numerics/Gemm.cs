using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CouplingFlows.Numerics;

/// <summary>
/// Single-precision general matrix product on row-major buffers.
/// </summary>
/// <remarks>
/// <para>C = op(A) · op(B) + β C, with op(A) of shape (m, k), op(B) of shape (k, n) and C of
/// shape (m, n); β is 0 or 1 (<c>accumulate</c>).</para>
/// <para>A transposed operand is first copied into a row-major scratch buffer so that the inner
/// kernel always streams rows of B with SIMD fused multiply-adds.</para>
/// </remarks>
public static class Gemm
{
    private const int RowBlock = 4;

    /// <summary>Computes C = op(A) · op(B), or adds it to C.</summary>
    /// <param name="layoutA">How A is read: Normal means A is stored (m, k), Transposed (k, m).</param>
    /// <param name="layoutB">How B is read: Normal means B is stored (k, n), Transposed (n, k).</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="n">Columns of C.</param>
    /// <param name="k">The inner dimension.</param>
    /// <param name="a">The A buffer, m·k values.</param>
    /// <param name="b">The B buffer, k·n values.</param>
    /// <param name="c">The C buffer, m·n values.</param>
    /// <param name="accumulate">True to add to C (β = 1), false to overwrite it (β = 0).</param>
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
        if (a.Length < m * k || b.Length < k * n || c.Length < m * n)
        {
            throw new ArgumentException(
                $"Buffers of {a.Length}, {b.Length} and {c.Length} values are too short for "
                + $"({m} x {k}) · ({k} x {n}).");
        }

        MultiplyCore(layoutA, layoutB, m, n, k, a, b, c, accumulate);
    }

    /// <summary>The counted entry point used by the layers: <see cref="MultiplyCore"/> plus statistics.</summary>
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
        if (!accumulate)
        {
            c[..(m * n)].Clear();
        }

        if (m == 0 || n == 0 || k == 0)
        {
            return;
        }

        float[]? aPacked = null;
        float[]? bPacked = null;
        if (layoutA == MatrixLayout.Transposed)
        {
            aPacked = System.Buffers.ArrayPool<float>.Shared.Rent(m * k);
            Transpose(a, k, m, aPacked);
            a = aPacked.AsSpan(0, m * k);
        }

        if (layoutB == MatrixLayout.Transposed)
        {
            bPacked = System.Buffers.ArrayPool<float>.Shared.Rent(k * n);
            Transpose(b, n, k, bPacked);
            b = bPacked.AsSpan(0, k * n);
        }

        MultiplyRowMajor(m, n, k, a, b, c);

        if (aPacked is not null)
        {
            System.Buffers.ArrayPool<float>.Shared.Return(aPacked);
        }

        if (bPacked is not null)
        {
            System.Buffers.ArrayPool<float>.Shared.Return(bPacked);
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

    private static void MultiplyRowMajor(
        int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c)
    {
        int i = 0;
        for (; i + RowBlock <= m; i += RowBlock)
        {
            FourRows(i, n, k, a, b, c);
        }

        for (; i < m; i++)
        {
            OneRow(i, n, k, a, b, c);
        }
    }

    private static void FourRows(int i, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c)
    {
        ref float c0 = ref MemoryMarshal.GetReference(c.Slice(i * n));
        ref float c1 = ref Unsafe.Add(ref c0, n);
        ref float c2 = ref Unsafe.Add(ref c1, n);
        ref float c3 = ref Unsafe.Add(ref c2, n);
        ReadOnlySpan<float> a0 = a.Slice(i * k, k);
        ReadOnlySpan<float> a1 = a.Slice((i + 1) * k, k);
        ReadOnlySpan<float> a2 = a.Slice((i + 2) * k, k);
        ReadOnlySpan<float> a3 = a.Slice((i + 3) * k, k);
        int width = Vector<float>.Count;
        int j = 0;
        for (; j + width <= n; j += width)
        {
            Vector<float> s0 = Vector.LoadUnsafe(ref c0, (nuint)j);
            Vector<float> s1 = Vector.LoadUnsafe(ref c1, (nuint)j);
            Vector<float> s2 = Vector.LoadUnsafe(ref c2, (nuint)j);
            Vector<float> s3 = Vector.LoadUnsafe(ref c3, (nuint)j);
            ref float bColumn = ref Unsafe.Add(ref MemoryMarshal.GetReference(b), j);
            for (int p = 0; p < k; p++)
            {
                Vector<float> bv = Vector.LoadUnsafe(ref Unsafe.Add(ref bColumn, p * n));
                s0 = Vector.FusedMultiplyAdd(new Vector<float>(a0[p]), bv, s0);
                s1 = Vector.FusedMultiplyAdd(new Vector<float>(a1[p]), bv, s1);
                s2 = Vector.FusedMultiplyAdd(new Vector<float>(a2[p]), bv, s2);
                s3 = Vector.FusedMultiplyAdd(new Vector<float>(a3[p]), bv, s3);
            }

            s0.StoreUnsafe(ref c0, (nuint)j);
            s1.StoreUnsafe(ref c1, (nuint)j);
            s2.StoreUnsafe(ref c2, (nuint)j);
            s3.StoreUnsafe(ref c3, (nuint)j);
        }

        for (; j < n; j++)
        {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
            for (int p = 0; p < k; p++)
            {
                float bv = b[(p * n) + j];
                s0 += a0[p] * bv;
                s1 += a1[p] * bv;
                s2 += a2[p] * bv;
                s3 += a3[p] * bv;
            }

            Unsafe.Add(ref c0, j) += s0;
            Unsafe.Add(ref c1, j) += s1;
            Unsafe.Add(ref c2, j) += s2;
            Unsafe.Add(ref c3, j) += s3;
        }
    }

    private static void OneRow(int i, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c)
    {
        Span<float> cRow = c.Slice(i * n, n);
        ReadOnlySpan<float> aRow = a.Slice(i * k, k);
        for (int p = 0; p < k; p++)
        {
            TensorPrimitives.MultiplyAdd(b.Slice(p * n, n), aRow[p], cRow, cRow);
        }
    }
}
