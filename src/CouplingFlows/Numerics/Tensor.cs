using System.Diagnostics.CodeAnalysis;

namespace CouplingFlows.Numerics;

/// <summary>
/// A dense float32 tensor: one contiguous row-major buffer and a shape.
/// </summary>
/// <remarks>
/// <para>A batch of vectors is (B, D); a batch of images is (B, C, H, W). Element (i, j) of a
/// (B, D) tensor lives at <c>Data[i * D + j]</c>.</para>
/// <para>The buffer is exposed directly so that kernels work on it without copies.
/// <see cref="Reshape"/> shares the buffer.</para>
/// </remarks>
public sealed class Tensor
{
    private readonly int[] _shape;

    /// <summary>Creates a zero-filled tensor of the given shape.</summary>
    /// <param name="shape">The dimensions; each must be non-negative, at least one dimension.</param>
    /// <exception cref="ArgumentException">The shape is empty or has a negative dimension.</exception>
    public Tensor(params int[] shape)
        : this(new float[CheckedLength(shape)], shape)
    {
    }

    /// <summary>Wraps an existing buffer (no copy) with the given shape.</summary>
    /// <param name="data">The row-major values; its length must equal the product of the shape.</param>
    /// <param name="shape">The dimensions.</param>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">The buffer length does not match the shape.</exception>
    public Tensor(float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        int length = CheckedLength(shape);
        if (data.Length != length)
        {
            throw new ArgumentException(
                $"The buffer holds {data.Length} values but shape ({string.Join(", ", shape)}) "
                + $"needs {length}.",
                nameof(data));
        }

        Data = data;
        _shape = (int[])shape.Clone();
    }

    /// <summary>The row-major values.</summary>
    public float[] Data { get; }

    /// <summary>The dimensions, outermost first.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>The total number of elements.</summary>
    public int Length => Data.Length;

    /// <summary>The size of the first dimension (the batch size B).</summary>
    public int Rows => _shape[0];

    /// <summary>The number of elements in one row: the product of all dimensions but the first.</summary>
    public int RowLength => _shape[0] == 0 ? ProductAfterFirst() : Data.Length / _shape[0];

    /// <summary>Element (row, column) of a tensor viewed as (B, RowLength).</summary>
    /// <param name="row">Row index in [0, Rows).</param>
    /// <param name="column">Column index in [0, RowLength).</param>
    public float this[int row, int column]
    {
        get => Data[(row * RowLength) + column];
        set => Data[(row * RowLength) + column] = value;
    }

    /// <summary>The values of one row.</summary>
    /// <param name="row">Row index in [0, Rows).</param>
    /// <returns>A span over the row's RowLength values.</returns>
    public Span<float> Row(int row)
    {
        int width = RowLength;
        return Data.AsSpan(row * width, width);
    }

    /// <summary>Creates a (rows, columns) tensor from a jagged array.</summary>
    /// <param name="rows">The rows; all must have the same length.</param>
    /// <returns>A new tensor with a copy of the values.</returns>
    /// <exception cref="ArgumentException">The rows differ in length.</exception>
    public static Tensor FromRows(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int width = rows.Count == 0 ? 0 : rows[0].Length;
        var result = new Tensor(rows.Count, width);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != width)
            {
                throw new ArgumentException(
                    $"Row {i} has {rows[i].Length} values but row 0 has {width}.", nameof(rows));
            }

            rows[i].CopyTo(result.Row(i));
        }

        return result;
    }

    /// <summary>A tensor with the same buffer and a new shape of equal element count.</summary>
    /// <param name="shape">The new dimensions.</param>
    /// <returns>A view sharing <see cref="Data"/>.</returns>
    public Tensor Reshape(params int[] shape) => new(Data, shape);

    /// <summary>A deep copy.</summary>
    /// <returns>A new tensor with its own buffer.</returns>
    public Tensor Clone() => new((float[])Data.Clone(), _shape);

    /// <summary>Whether this tensor has exactly the given shape.</summary>
    /// <param name="shape">The dimensions to compare with.</param>
    /// <returns>True when rank and every dimension agree.</returns>
    public bool HasShape(params ReadOnlySpan<int> shape) => _shape.AsSpan().SequenceEqual(shape);

    /// <summary>The shape written as "(2, 3)".</summary>
    /// <returns>A readable shape.</returns>
    public string ShapeText() => "(" + string.Join(", ", _shape) + ")";

    /// <summary>Returns this tensor if it already has the shape, else a new zero tensor of that shape.</summary>
    /// <param name="existing">A previously allocated buffer, or null.</param>
    /// <param name="shape">The wanted dimensions.</param>
    /// <returns>A tensor of the wanted shape; its contents are unspecified when reused.</returns>
    internal static Tensor Ensure([NotNull] ref Tensor? existing, params ReadOnlySpan<int> shape)
    {
        if (existing is null || !existing.HasShape(shape))
        {
            existing = new Tensor(shape.ToArray());
        }

        return existing;
    }

    /// <summary>A tensor of the given shape on a recycled buffer inside a block of parallel inference
    /// (see <see cref="ScratchArrays"/>), a new one elsewhere; its values must all be written.</summary>
    internal static Tensor Scratch(IReadOnlyList<int> shape)
    {
        int[] dimensions = [.. shape];

        return new Tensor(ScratchArrays.Rent(CheckedLength(dimensions), clear: false), dimensions);
    }

    /// <summary>A copy on a recycled buffer inside a block of parallel inference, a new one elsewhere.</summary>
    internal Tensor ScratchCopy()
    {
        float[] data = ScratchArrays.Rent(Data.Length, clear: false);
        Data.CopyTo(data, 0);

        return new Tensor(data, _shape);
    }

    /// <summary>Returns this tensor if it already has the shape of <paramref name="like"/>, else a new
    /// zero tensor of that shape; allocates nothing when the buffer is reused.</summary>
    /// <param name="existing">A previously allocated buffer, or null.</param>
    /// <param name="like">The tensor whose shape is wanted.</param>
    /// <returns>A tensor of the wanted shape; its contents are unspecified when reused.</returns>
    internal static Tensor EnsureLike([NotNull] ref Tensor? existing, Tensor like) =>
        Ensure(ref existing, like._shape);

    private int ProductAfterFirst()
    {
        int product = 1;
        for (int i = 1; i < _shape.Length; i++)
        {
            product *= _shape[i];
        }

        return product;
    }

    private static int CheckedLength(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0)
        {
            throw new ArgumentException("A tensor needs at least one dimension.", nameof(shape));
        }

        long length = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentException(
                    $"Dimensions must be non-negative; got ({string.Join(", ", shape)}).", nameof(shape));
            }

            length *= dimension;
        }

        if (length > Array.MaxLength)
        {
            throw new ArgumentException($"A tensor of {length} elements is too large.", nameof(shape));
        }

        return (int)length;
    }
}
