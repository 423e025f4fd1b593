using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CouplingFlows.Numerics;

/// <summary>
/// Copies blocks of the operands into the contiguous layouts the micro-kernels stream.
/// </summary>
/// <remarks>
/// <para>A block of op(B) (kc rows of the inner dimension × nc columns) becomes a row of panels: panel q holds
/// columns [q·w, q·w + w) as kc rows of w contiguous values, where w is the tile width. The last panel is
/// half-width when at most w / 2 columns remain, and missing columns are zero. B stored transposed, (n, k), is
/// read along its contiguous rows and transposed 8 × 8 values at a time in registers, so no separate transpose
/// of the whole matrix is needed.</para>
/// <para>The last rows of A, fewer than a tile, are copied into a tile padded with zero rows so that the kernel
/// never reads past the end of A.</para>
/// </remarks>
internal static unsafe class GemmPacking
{
    /// <summary>Packs op(B)[depth .. depth + kc, column .. column + nc] into panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackB(in GemmOperands operands, int depth, int kc, int column, int nc, float* panels)
    {
        int fullWidth = GemmTiles.Columns;
        for (int offset = 0; offset < nc; offset += fullWidth)
        {
            int columns = Math.Min(fullWidth, nc - offset);
            int width = columns > fullWidth / 2 ? fullWidth : fullWidth / 2;
            float* destination = panels + ((nint)offset * kc);
            int j = column + offset;
            if (operands.TransposeB)
            {
                float* source = operands.B + ((nint)j * operands.K) + depth;
                PackTransposedPanel(source, operands.K, kc, columns, width, destination);
            }
            else
            {
                float* source = operands.B + ((nint)depth * operands.N) + j;
                PackPanel(source, operands.N, kc, columns, width, destination);
            }
        }
    }

    /// <summary>Copies rows [row, row + rows) of op(A), depth [depth, depth + kc), into a zero-padded tile.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackEdgeA(in GemmOperands operands, int row, int rows, int depth, int kc, float* destination)
    {
        int tileRows = GemmTiles.Rows;
        Debug.Assert(rows > 0 && rows < tileRows);
        float* source = operands.AddressA(row, depth, out nint rowStride, out nint depthStride);
        for (int p = 0; p < kc; p++)
        {
            float* target = destination + ((nint)p * tileRows);
            for (int r = 0; r < tileRows; r++)
            {
                target[r] = r < rows ? source[(r * rowStride) + (p * depthStride)] : 0f;
            }
        }
    }

    /// <summary>B stored (k, n): each panel row is a contiguous piece of a row of B.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackPanel(float* source, nint stride, int kc, int columns, int width, float* destination)
    {
        if (columns == width)
        {
            for (int p = 0; p < kc; p++)
            {
                CopyRow(source + (p * stride), destination + ((nint)p * width), width);
            }

            return;
        }

        for (int p = 0; p < kc; p++)
        {
            float* from = source + (p * stride);
            float* to = destination + ((nint)p * width);
            for (int j = 0; j < width; j++)
            {
                to[j] = j < columns ? from[j] : 0f;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(float* source, float* destination, int width)
    {
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; j + Vector512<float>.Count <= width; j += Vector512<float>.Count)
            {
                Vector512.Load(source + j).Store(destination + j);
            }
        }

        for (; j + Vector<float>.Count <= width; j += Vector<float>.Count)
        {
            Vector.Load(source + j).Store(destination + j);
        }

        for (; j < width; j++)
        {
            destination[j] = source[j];
        }
    }

    /// <summary>B stored (n, k): column j of a panel is a contiguous piece of row j of the stored matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposedPanel(
        float* source, nint stride, int kc, int columns, int width, float* destination)
    {
        int p = 0;
        if (Avx.IsSupported && columns == width && width % 8 == 0)
        {
            for (; p + 8 <= kc; p += 8)
            {
                for (int j = 0; j < width; j += 8)
                {
                    Transpose8x8(source + (j * stride) + p, stride, destination + ((nint)p * width) + j, width);
                }
            }
        }

        for (int j = 0; j < width; j++)
        {
            float* from = source + (j * stride);
            for (int q = p; q < kc; q++)
            {
                destination[((nint)q * width) + j] = j < columns ? from[q] : 0f;
            }
        }
    }

    /// <summary>destination[q · ldd + i] = source[i · lds + q] for i, q &lt; 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* source, nint lds, float* destination, nint ldd)
    {
        // Interleave pairs of rows, then pairs of pairs, then swap 128-bit halves: three shuffle stages.
        Vector256<float> r0 = Avx.LoadVector256(source);
        Vector256<float> r1 = Avx.LoadVector256(source + lds);
        Vector256<float> r2 = Avx.LoadVector256(source + (2 * lds));
        Vector256<float> r3 = Avx.LoadVector256(source + (3 * lds));
        Vector256<float> r4 = Avx.LoadVector256(source + (4 * lds));
        Vector256<float> r5 = Avx.LoadVector256(source + (5 * lds));
        Vector256<float> r6 = Avx.LoadVector256(source + (6 * lds));
        Vector256<float> r7 = Avx.LoadVector256(source + (7 * lds));
        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(destination, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(destination + ldd, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(destination + (2 * ldd), Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(destination + (3 * ldd), Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(destination + (4 * ldd), Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(destination + (5 * ldd), Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(destination + (6 * ldd), Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(destination + (7 * ldd), Avx.Permute2x128(s3, s7, 0x31));
    }
}
