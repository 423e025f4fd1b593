using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CouplingFlows.Numerics;

/// <summary>
/// The cache-blocked loops of the matrix product over one rectangle of C.
/// </summary>
/// <remarks>
/// <para>Loop order, outermost first: blocks of columns (nc), blocks of depth (kc), blocks of rows (mc), panels of
/// columns (the tile width), tiles of rows. A block of op(B) is packed once per (column block, depth block) and
/// then read by every row tile; the packed panel a tile reads stays in the L1 cache across the row tiles, and the
/// rows of A a block reads stay in the L2 cache across the panels.</para>
/// <para>Depth blocks are the same for every rectangle of a product (they depend on k only) and are visited in
/// ascending order, so each element of C receives its k products in ascending order whatever the rectangle.
/// That is what makes a product split over threads bitwise identical to the same product on one thread.</para>
/// <para>The loops are compiled fully optimised from the first call
/// (<see cref="MethodImplOptions.AggressiveOptimization"/>): a product runs them only a few times, too few for
/// tiered compilation to promote them before a short training run is over.</para>
/// </remarks>
internal static unsafe class GemmBlocked
{
    /// <summary>
    /// The largest depth block: one packed panel is 256 × 32 floats (32 KiB) and fits the 48 KiB L1 cache next to
    /// the rows of A a tile streams.
    /// </summary>
    private const int MaxDepthBlock = 256;

    /// <summary>Rows of C per block: 256 rows of A over one depth block (256 KiB) stay in the L2 cache.</summary>
    private const int RowBlock = 256;

    /// <summary>Columns of C per block: a packed block of B, 256 × 1024 floats (1 MiB), stays in the L2 cache.
    /// </summary>
    private const int ColumnBlock = 1024;

    /// <summary>
    /// Computes the rectangle C[rowStart .. rowEnd, columnStart .. columnEnd] of the product; thin products go
    /// to <see cref="GemmThin"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Multiply(in GemmOperands operands, int rowStart, int rowEnd, int columnStart, int columnEnd)
    {
        Debug.Assert(operands.K > 0 && rowStart < rowEnd && columnStart < columnEnd);
        if (operands.K <= GemmThin.MaxShallowDepth
            || (rowEnd - rowStart <= GemmThin.MaxRowPathRows && !operands.TransposeB))
        {
            GemmThin.MultiplyByRows(operands, rowStart, rowEnd, columnStart, columnEnd);

            return;
        }

        if (Vector512.IsHardwareAccelerated && operands.TransposeA
            && columnEnd - columnStart <= GemmThin.MaxNarrowColumns)
        {
            GemmThin.MultiplyNarrow(operands, rowStart, rowEnd, columnStart, columnEnd);

            return;
        }

        int depthStep = DepthStep(operands.K);
        int tileRows = GemmTiles.Rows;
        int tileColumns = GemmTiles.Columns;
        GemmWorkspace workspace = GemmWorkspace.Current;
        float* edge = workspace.Edge((tileRows * depthStep) + (tileRows * tileColumns));
        for (int column = columnStart; column < columnEnd; column += ColumnBlock)
        {
            int nc = Math.Min(ColumnBlock, columnEnd - column);
            int paddedColumns = (nc + tileColumns - 1) / tileColumns * tileColumns;
            float* panels = workspace.Panels(depthStep * paddedColumns);
            for (int depth = 0; depth < operands.K; depth += depthStep)
            {
                int kc = Math.Min(depthStep, operands.K - depth);
                bool load = operands.Accumulate || depth > 0;
                GemmPacking.PackB(operands, depth, kc, column, nc, panels);
                for (int row = rowStart; row < rowEnd; row += RowBlock)
                {
                    var block = new Block(row, Math.Min(RowBlock, rowEnd - row), column, nc, depth, kc);
                    MultiplyBlock(operands, block, panels, edge, load);
                }
            }
        }
    }

    /// <summary>
    /// Splits k into equal blocks of at most <see cref="MaxDepthBlock"/>, so that k = 300 runs as 150 + 150
    /// rather than 256 + 44.
    /// </summary>
    internal static int DepthStep(int k)
    {
        int blocks = (k + MaxDepthBlock - 1) / MaxDepthBlock;

        return (k + blocks - 1) / blocks;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MultiplyBlock(in GemmOperands operands, in Block block, float* panels, float* edge, bool load)
    {
        int tileRows = GemmTiles.Rows;
        int fullWidth = GemmTiles.Columns;
        int wholeRows = block.Rows - (block.Rows % tileRows);
        if (wholeRows < block.Rows)
        {
            int edgeRows = block.Rows - wholeRows;
            GemmPacking.PackEdgeA(operands, block.Row + wholeRows, edgeRows, block.Depth, block.Kc, edge);
        }

        for (int offset = 0; offset < block.Columns; offset += fullWidth)
        {
            int columns = Math.Min(fullWidth, block.Columns - offset);
            bool isFullWidth = columns > fullWidth / 2;
            var panel = new Panel(panels + ((nint)offset * block.Kc), block.Column + offset, columns, isFullWidth);
            for (int tile = 0; tile < block.Rows; tile += tileRows)
            {
                int row = block.Row + tile;
                float* c = operands.C + ((nint)row * operands.N) + panel.Column;
                if (tile < wholeRows && columns == panel.Width)
                {
                    float* a = operands.AddressA(row, block.Depth, out nint rowStride, out nint depthStride);
                    float* cIn = load ? c : GemmWorkspace.Zeros;
                    nint ldIn = load ? operands.N : 0;
                    GemmTiles.Run(isFullWidth, block.Kc, a, rowStride, depthStride, panel.B, cIn, ldIn, c, operands.N);
                }
                else
                {
                    int rows = Math.Min(tileRows, block.Rows - tile);
                    EdgeTile(operands, block, panel, row, rows, edge, load);
                }
            }
        }
    }

    /// <summary>
    /// A tile with missing rows or columns: computed in full into a scratch tile (zero rows of A, zero columns of
    /// B), then only the valid part is written to C.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EdgeTile(
        in GemmOperands operands, in Block block, in Panel panel, int row, int rows, float* edge, bool load)
    {
        int tileRows = GemmTiles.Rows;
        int width = panel.Width;
        float* scratch = edge + ((nint)tileRows * block.Kc);
        float* c = operands.C + ((nint)row * operands.N) + panel.Column;
        for (int r = 0; r < tileRows; r++)
        {
            for (int j = 0; j < width; j++)
            {
                scratch[(r * width) + j] = load && r < rows && j < panel.Columns ? c[(r * operands.N) + j] : 0f;
            }
        }

        float* a = edge;
        nint rowStride = 1;
        nint depthStride = tileRows;
        if (rows == tileRows)
        {
            a = operands.AddressA(row, block.Depth, out rowStride, out depthStride);
        }

        GemmTiles.Run(panel.IsFullWidth, block.Kc, a, rowStride, depthStride, panel.B, scratch, width, scratch, width);
        for (int r = 0; r < rows; r++)
        {
            var valid = new ReadOnlySpan<float>(scratch + (r * width), panel.Columns);
            valid.CopyTo(new Span<float>(c + (r * operands.N), panel.Columns));
        }
    }

    /// <summary>Rows [Row, Row + Rows), columns [Column, Column + Columns), depth [Depth, Depth + Kc).</summary>
    private readonly record struct Block(int Row, int Rows, int Column, int Columns, int Depth, int Kc);

    /// <summary>A packed panel of B: its first column in C, how many columns are real, its kernel width.</summary>
    private readonly struct Panel(float* b, int column, int columns, bool isFullWidth)
    {
        public float* B { get; } = b;

        public int Column { get; } = column;

        public int Columns { get; } = columns;

        public bool IsFullWidth { get; } = isFullWidth;

        public int Width => IsFullWidth ? GemmTiles.Columns : GemmTiles.Columns / 2;
    }
}
