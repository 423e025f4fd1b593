namespace CouplingFlows.Numerics;

/// <summary>
/// The operands of one product C = op(A) · op(B) (+ C), held as raw pointers so that the tile loops and
/// the worker threads can share them.
/// </summary>
/// <remarks>
/// The pointers come from buffers that the caller keeps pinned until every part of the product has finished.
/// </remarks>
internal readonly unsafe struct GemmOperands
{
    internal GemmOperands(
        MatrixLayout layoutA,
        MatrixLayout layoutB,
        int m,
        int n,
        int k,
        float* a,
        float* b,
        float* c,
        bool accumulate)
    {
        TransposeA = layoutA == MatrixLayout.Transposed;
        TransposeB = layoutB == MatrixLayout.Transposed;
        M = m;
        N = n;
        K = k;
        A = a;
        B = b;
        C = c;
        Accumulate = accumulate;
    }

    /// <summary>True when A is stored (k, m).</summary>
    internal bool TransposeA { get; }

    /// <summary>True when B is stored (n, k).</summary>
    internal bool TransposeB { get; }

    /// <summary>Rows of C.</summary>
    internal int M { get; }

    /// <summary>Columns of C.</summary>
    internal int N { get; }

    /// <summary>The inner dimension.</summary>
    internal int K { get; }

    internal float* A { get; }

    internal float* B { get; }

    internal float* C { get; }

    /// <summary>True to add the product to C, false to overwrite C.</summary>
    internal bool Accumulate { get; }

    /// <summary>
    /// The address of op(A)[row, depth] and the strides between rows and between depth steps of op(A).
    /// </summary>
    internal float* AddressA(int row, int depth, out nint rowStride, out nint depthStride)
    {
        if (TransposeA)
        {
            rowStride = 1;
            depthStride = M;

            return A + ((nint)depth * M) + row;
        }

        rowStride = K;
        depthStride = 1;

        return A + ((nint)row * K) + depth;
    }
}
