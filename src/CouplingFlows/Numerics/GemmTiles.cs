using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CouplingFlows.Numerics;

/// <summary>
/// Register-blocked micro-kernels of the matrix product: each keeps one tile of C in vector registers while it
/// walks the inner dimension.
/// </summary>
/// <remarks>
/// <para>Every kernel computes, for a tile of r rows and w columns,
/// C_out[i, j] = C_in[i, j] + Σ_{p &lt; kc} a[i, p] · b[p, j], with one fused multiply-add per term in ascending p.
/// Because every path (full tiles, padded edge tiles, either vector width) performs the same rounding steps in
/// the same order, an element of C does not depend on how the product was split into tiles or threads.</para>
/// <para>Symbols: kc is the depth of the block; a[i, p] lives at <c>a + i·rs + p·cs</c>, so row-major A
/// (rs = k, cs = 1), stored-transposed A (rs = 1, cs = m) and a packed tile (rs = 1, cs = r) need no copy;
/// b is a packed panel, kc rows of w contiguous values; C_in has row stride ldIn (0 reads one row of zeros
/// for every row) and C_out has row stride ldOut.</para>
/// <para>The Vector512 kernels hold 8 × 32 or 8 × 16 values (16 or 8 accumulators out of 32 registers, enough
/// independent sums to hide the latency of the fused multiply-add); the Vector&lt;float&gt; kernels hold
/// 6 rows of two or one vectors, which fits the 16 registers of AVX2.</para>
/// </remarks>
internal static class GemmTiles
{
    /// <summary>Rows of a tile.</summary>
    internal static int Rows => Vector512.IsHardwareAccelerated ? 8 : 6;

    /// <summary>Columns of a full-width tile (the width of a packed panel of B).</summary>
    internal static int Columns => Vector512.IsHardwareAccelerated ? 32 : 2 * Vector<float>.Count;

    /// <summary>Runs the full-width or half-width kernel of the widest vector type the processor accelerates.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void Run(
        bool fullWidth, int kc, float* a, nint rs, nint cs, float* b, float* cIn, nint ldIn, float* cOut, nint ldOut)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            if (fullWidth)
            {
                Tile8x32(kc, a, rs, cs, b, cIn, ldIn, cOut, ldOut);
            }
            else
            {
                Tile8x16(kc, a, rs, cs, b, cIn, ldIn, cOut, ldOut);
            }
        }
        else if (fullWidth)
        {
            Tile6xDouble(kc, a, rs, cs, b, cIn, ldIn, cOut, ldOut);
        }
        else
        {
            Tile6xSingle(kc, a, rs, cs, b, cIn, ldIn, cOut, ldOut);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Tile8x32(
        int kc, float* a, nint rs, nint cs, float* b, float* cIn, nint ldIn, float* cOut, nint ldOut)
    {
        Vector512<float> c00 = Vector512.Load(cIn), c01 = Vector512.Load(cIn + 16);
        Vector512<float> c10 = Vector512.Load(cIn + ldIn), c11 = Vector512.Load(cIn + ldIn + 16);
        Vector512<float> c20 = Vector512.Load(cIn + (2 * ldIn)), c21 = Vector512.Load(cIn + (2 * ldIn) + 16);
        Vector512<float> c30 = Vector512.Load(cIn + (3 * ldIn)), c31 = Vector512.Load(cIn + (3 * ldIn) + 16);
        Vector512<float> c40 = Vector512.Load(cIn + (4 * ldIn)), c41 = Vector512.Load(cIn + (4 * ldIn) + 16);
        Vector512<float> c50 = Vector512.Load(cIn + (5 * ldIn)), c51 = Vector512.Load(cIn + (5 * ldIn) + 16);
        Vector512<float> c60 = Vector512.Load(cIn + (6 * ldIn)), c61 = Vector512.Load(cIn + (6 * ldIn) + 16);
        Vector512<float> c70 = Vector512.Load(cIn + (7 * ldIn)), c71 = Vector512.Load(cIn + (7 * ldIn) + 16);
        nint rs3 = 3 * rs;
        float* aHigh = a + (4 * rs);
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
            Vector512<float> x0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x0, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x0, b1, c01);
            Vector512<float> x1 = Vector512.Create(a[rs]);
            c10 = Vector512.FusedMultiplyAdd(x1, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x1, b1, c11);
            Vector512<float> x2 = Vector512.Create(a[2 * rs]);
            c20 = Vector512.FusedMultiplyAdd(x2, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x2, b1, c21);
            Vector512<float> x3 = Vector512.Create(a[rs3]);
            c30 = Vector512.FusedMultiplyAdd(x3, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x3, b1, c31);
            Vector512<float> x4 = Vector512.Create(aHigh[0]);
            c40 = Vector512.FusedMultiplyAdd(x4, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x4, b1, c41);
            Vector512<float> x5 = Vector512.Create(aHigh[rs]);
            c50 = Vector512.FusedMultiplyAdd(x5, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x5, b1, c51);
            Vector512<float> x6 = Vector512.Create(aHigh[2 * rs]);
            c60 = Vector512.FusedMultiplyAdd(x6, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x6, b1, c61);
            Vector512<float> x7 = Vector512.Create(aHigh[rs3]);
            c70 = Vector512.FusedMultiplyAdd(x7, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x7, b1, c71);
            a += cs;
            aHigh += cs;
            b += 32;
        }

        c00.Store(cOut);
        c01.Store(cOut + 16);
        c10.Store(cOut + ldOut);
        c11.Store(cOut + ldOut + 16);
        c20.Store(cOut + (2 * ldOut));
        c21.Store(cOut + (2 * ldOut) + 16);
        c30.Store(cOut + (3 * ldOut));
        c31.Store(cOut + (3 * ldOut) + 16);
        c40.Store(cOut + (4 * ldOut));
        c41.Store(cOut + (4 * ldOut) + 16);
        c50.Store(cOut + (5 * ldOut));
        c51.Store(cOut + (5 * ldOut) + 16);
        c60.Store(cOut + (6 * ldOut));
        c61.Store(cOut + (6 * ldOut) + 16);
        c70.Store(cOut + (7 * ldOut));
        c71.Store(cOut + (7 * ldOut) + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Tile8x16(
        int kc, float* a, nint rs, nint cs, float* b, float* cIn, nint ldIn, float* cOut, nint ldOut)
    {
        Vector512<float> c00 = Vector512.Load(cIn);
        Vector512<float> c10 = Vector512.Load(cIn + ldIn);
        Vector512<float> c20 = Vector512.Load(cIn + (2 * ldIn));
        Vector512<float> c30 = Vector512.Load(cIn + (3 * ldIn));
        Vector512<float> c40 = Vector512.Load(cIn + (4 * ldIn));
        Vector512<float> c50 = Vector512.Load(cIn + (5 * ldIn));
        Vector512<float> c60 = Vector512.Load(cIn + (6 * ldIn));
        Vector512<float> c70 = Vector512.Load(cIn + (7 * ldIn));
        nint rs3 = 3 * rs;
        float* aHigh = a + (4 * rs);
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> x0 = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x0, b0, c00);
            Vector512<float> x1 = Vector512.Create(a[rs]);
            c10 = Vector512.FusedMultiplyAdd(x1, b0, c10);
            Vector512<float> x2 = Vector512.Create(a[2 * rs]);
            c20 = Vector512.FusedMultiplyAdd(x2, b0, c20);
            Vector512<float> x3 = Vector512.Create(a[rs3]);
            c30 = Vector512.FusedMultiplyAdd(x3, b0, c30);
            Vector512<float> x4 = Vector512.Create(aHigh[0]);
            c40 = Vector512.FusedMultiplyAdd(x4, b0, c40);
            Vector512<float> x5 = Vector512.Create(aHigh[rs]);
            c50 = Vector512.FusedMultiplyAdd(x5, b0, c50);
            Vector512<float> x6 = Vector512.Create(aHigh[2 * rs]);
            c60 = Vector512.FusedMultiplyAdd(x6, b0, c60);
            Vector512<float> x7 = Vector512.Create(aHigh[rs3]);
            c70 = Vector512.FusedMultiplyAdd(x7, b0, c70);
            a += cs;
            aHigh += cs;
            b += 16;
        }

        c00.Store(cOut);
        c10.Store(cOut + ldOut);
        c20.Store(cOut + (2 * ldOut));
        c30.Store(cOut + (3 * ldOut));
        c40.Store(cOut + (4 * ldOut));
        c50.Store(cOut + (5 * ldOut));
        c60.Store(cOut + (6 * ldOut));
        c70.Store(cOut + (7 * ldOut));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Tile6xDouble(
        int kc, float* a, nint rs, nint cs, float* b, float* cIn, nint ldIn, float* cOut, nint ldOut)
    {
        int w = Vector<float>.Count;
        Vector<float> c00 = Vector.Load(cIn), c01 = Vector.Load(cIn + w);
        Vector<float> c10 = Vector.Load(cIn + ldIn), c11 = Vector.Load(cIn + ldIn + w);
        Vector<float> c20 = Vector.Load(cIn + (2 * ldIn)), c21 = Vector.Load(cIn + (2 * ldIn) + w);
        Vector<float> c30 = Vector.Load(cIn + (3 * ldIn)), c31 = Vector.Load(cIn + (3 * ldIn) + w);
        Vector<float> c40 = Vector.Load(cIn + (4 * ldIn)), c41 = Vector.Load(cIn + (4 * ldIn) + w);
        Vector<float> c50 = Vector.Load(cIn + (5 * ldIn)), c51 = Vector.Load(cIn + (5 * ldIn) + w);
        nint rs3 = 3 * rs;
        float* aHigh = a + (4 * rs);
        for (int p = 0; p < kc; p++)
        {
            Vector<float> b0 = Vector.Load(b), b1 = Vector.Load(b + w);
            Vector<float> x0 = Vector.Create(a[0]);
            c00 = Vector.FusedMultiplyAdd(x0, b0, c00);
            c01 = Vector.FusedMultiplyAdd(x0, b1, c01);
            Vector<float> x1 = Vector.Create(a[rs]);
            c10 = Vector.FusedMultiplyAdd(x1, b0, c10);
            c11 = Vector.FusedMultiplyAdd(x1, b1, c11);
            Vector<float> x2 = Vector.Create(a[2 * rs]);
            c20 = Vector.FusedMultiplyAdd(x2, b0, c20);
            c21 = Vector.FusedMultiplyAdd(x2, b1, c21);
            Vector<float> x3 = Vector.Create(a[rs3]);
            c30 = Vector.FusedMultiplyAdd(x3, b0, c30);
            c31 = Vector.FusedMultiplyAdd(x3, b1, c31);
            Vector<float> x4 = Vector.Create(aHigh[0]);
            c40 = Vector.FusedMultiplyAdd(x4, b0, c40);
            c41 = Vector.FusedMultiplyAdd(x4, b1, c41);
            Vector<float> x5 = Vector.Create(aHigh[rs]);
            c50 = Vector.FusedMultiplyAdd(x5, b0, c50);
            c51 = Vector.FusedMultiplyAdd(x5, b1, c51);
            a += cs;
            aHigh += cs;
            b += 2 * w;
        }

        c00.Store(cOut);
        c01.Store(cOut + w);
        c10.Store(cOut + ldOut);
        c11.Store(cOut + ldOut + w);
        c20.Store(cOut + (2 * ldOut));
        c21.Store(cOut + (2 * ldOut) + w);
        c30.Store(cOut + (3 * ldOut));
        c31.Store(cOut + (3 * ldOut) + w);
        c40.Store(cOut + (4 * ldOut));
        c41.Store(cOut + (4 * ldOut) + w);
        c50.Store(cOut + (5 * ldOut));
        c51.Store(cOut + (5 * ldOut) + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static unsafe void Tile6xSingle(
        int kc, float* a, nint rs, nint cs, float* b, float* cIn, nint ldIn, float* cOut, nint ldOut)
    {
        int w = Vector<float>.Count;
        Vector<float> c00 = Vector.Load(cIn);
        Vector<float> c10 = Vector.Load(cIn + ldIn);
        Vector<float> c20 = Vector.Load(cIn + (2 * ldIn));
        Vector<float> c30 = Vector.Load(cIn + (3 * ldIn));
        Vector<float> c40 = Vector.Load(cIn + (4 * ldIn));
        Vector<float> c50 = Vector.Load(cIn + (5 * ldIn));
        nint rs3 = 3 * rs;
        float* aHigh = a + (4 * rs);
        for (int p = 0; p < kc; p++)
        {
            Vector<float> b0 = Vector.Load(b);
            Vector<float> x0 = Vector.Create(a[0]);
            c00 = Vector.FusedMultiplyAdd(x0, b0, c00);
            Vector<float> x1 = Vector.Create(a[rs]);
            c10 = Vector.FusedMultiplyAdd(x1, b0, c10);
            Vector<float> x2 = Vector.Create(a[2 * rs]);
            c20 = Vector.FusedMultiplyAdd(x2, b0, c20);
            Vector<float> x3 = Vector.Create(a[rs3]);
            c30 = Vector.FusedMultiplyAdd(x3, b0, c30);
            Vector<float> x4 = Vector.Create(aHigh[0]);
            c40 = Vector.FusedMultiplyAdd(x4, b0, c40);
            Vector<float> x5 = Vector.Create(aHigh[rs]);
            c50 = Vector.FusedMultiplyAdd(x5, b0, c50);
            a += cs;
            aHigh += cs;
            b += w;
        }

        c00.Store(cOut);
        c10.Store(cOut + ldOut);
        c20.Store(cOut + (2 * ldOut));
        c30.Store(cOut + (3 * ldOut));
        c40.Store(cOut + (4 * ldOut));
        c50.Store(cOut + (5 * ldOut));
    }
}
