using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>Gathers selected rows of a tensor, for splits and mini-batches.</summary>
public static class TensorRows
{
    /// <summary>Copies the rows with the given indices into a new tensor.</summary>
    /// <param name="source">The tensor, shape (B, …); a row is everything after the first dimension.</param>
    /// <param name="indices">Row indices in [0, B), in the wanted order; repeats are allowed.</param>
    /// <returns>A tensor of shape (indices.Length, …) with the trailing dimensions of
    /// <paramref name="source"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, B).</exception>
    public static Tensor Take(Tensor source, ReadOnlySpan<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);

        int[] shape = [.. source.Shape];
        shape[0] = indices.Length;
        var result = new Tensor(shape);
        Take(source, indices, result);

        return result;
    }

    /// <summary>Copies the rows with the given indices into an existing tensor, without allocating.</summary>
    /// <param name="source">The tensor, shape (B, …).</param>
    /// <param name="indices">Row indices in [0, B); repeats are allowed.</param>
    /// <param name="destination">Receives the rows; it must have indices.Length rows of the same
    /// row length as <paramref name="source"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or
    /// <paramref name="destination"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong number of
    /// rows or the wrong row length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, B).</exception>
    public static void Take(Tensor source, ReadOnlySpan<int> indices, Tensor destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (destination.Rows != indices.Length || destination.RowLength != source.RowLength)
        {
            throw new ArgumentException(
                $"destination has shape {destination.ShapeText()} but {indices.Length} rows of "
                + $"{source.RowLength} values are taken from source {source.ShapeText()}.",
                nameof(destination));
        }

        int width = source.RowLength;
        for (int i = 0; i < indices.Length; i++)
        {
            int index = indices[i];
            if ((uint)index >= (uint)source.Rows)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(indices), index, $"Row index {index} at position {i} is outside [0, {source.Rows}).");
            }

            source.Data.AsSpan(index * width, width).CopyTo(destination.Data.AsSpan(i * width, width));
        }
    }
}
