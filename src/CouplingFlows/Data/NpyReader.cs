using System.Buffers.Binary;
using System.Text;

using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>Reads NumPy .npy arrays (format versions 1.0, 2.0 and 3.0) as float32 tables.</summary>
/// <remarks>
/// <para>A .npy file is the magic bytes \x93NUMPY, a version, a header length, a Python dictionary
/// literal giving 'descr' (dtype), 'fortran_order' and 'shape', then the raw elements. Format:
/// NumPy Enhancement Proposal 1,
/// <see href="https://numpy.org/neps/nep-0001-npy-format.html"/>.</para>
/// <para>Supported dtypes: float16/32/64 (f2, f4, f8), signed and unsigned integers of 1, 2, 4 and
/// 8 bytes (i1..i8, u1..u8) and booleans (b1), in either byte order. Every element is converted to
/// float32: float64 and 64-bit integers lose precision beyond 24 significant bits.</para>
/// <para>Only C (row-major) order is supported. A 1-D array of length N becomes (N, 1), a 2-D array
/// keeps its shape, and an n-D array (N, d1, …) is flattened to (N, d1 · … ). NaN, infinity and
/// float64 values beyond the float32 range are refused with the row and column of the first one.
/// Gzip-compressed content (first bytes 1f 8b) is decompressed; .npz archives are not read.</para>
/// </remarks>
public static class NpyReader
{
    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a .npy file into a (rows, columns) float32 tensor.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The values, shape (N, D) as described in the remarks.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is not a .npy file, uses an unsupported
    /// version, dtype or Fortran order, is a scalar, is truncated or has trailing bytes, or holds a
    /// non-finite value.</exception>
    public static Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = DataFile.ReadAllBytes(path);

        (NpyHeader header, int dataOffset) = ReadHeader(path, bytes);
        NpyElementType element = NpyElementType.Parse(header.Descr, path);
        if (header.FortranOrder)
        {
            throw Fault(path, "the array is stored in Fortran (column-major) order; only C order is read. "
                + "Save a C-ordered copy, for example numpy.ascontiguousarray(a).");
        }

        (int rows, int columns) = TableShape(path, header.Shape);
        CheckDataLength(path, header.Shape, element, (long)rows * columns, bytes.Length - dataOffset);
        var result = new Tensor(rows, columns);
        element.Convert(bytes.AsSpan(dataOffset), result.Data);
        CheckFinite(path, result);

        return result;
    }

    private static (NpyHeader Header, int DataOffset) ReadHeader(string path, byte[] bytes)
    {
        if (bytes.Length < 10 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            bool isZip = bytes.Length >= 2 && bytes[0] == (byte)'P' && bytes[1] == (byte)'K';
            throw Fault(path, isZip
                ? "this is a zip archive (perhaps a .npz); extract one array and save it with numpy.save."
                : "this is not a NumPy .npy file: it does not start with the bytes \\x93NUMPY.");
        }

        byte major = bytes[6];
        int lengthSize = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw Fault(path, $"format version {major}.{bytes[7]} is not supported; versions 1.0, 2.0 "
                + "and 3.0 are."),
        };
        int headerStart = 8 + lengthSize;
        long headerLength = bytes.Length < headerStart ? -1
            : lengthSize == 2
                ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8))
                : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        if (headerLength < 0 || headerStart + headerLength > bytes.Length)
        {
            throw Fault(path, $"the file is cut short inside its header ({bytes.Length} bytes in all).");
        }

        Encoding encoding = major == 3 ? Encoding.UTF8 : Encoding.Latin1;
        string text = encoding.GetString(bytes, headerStart, (int)headerLength);

        return (NpyHeader.Parse(text, path), headerStart + (int)headerLength);
    }

    private static (int Rows, int Columns) TableShape(string path, int[] shape)
    {
        if (shape.Length == 0)
        {
            throw Fault(path, "the array is a scalar (shape ()); at least one dimension is needed.");
        }

        long rest = DataFile.ElementCount(shape.AsSpan(1));
        if (DataFile.ElementCount(shape) > Array.MaxLength || rest > Array.MaxLength)
        {
            throw Fault(path, $"the shape {ShapeText(shape)} holds more elements than a tensor can.");
        }

        return (shape[0], (int)rest);
    }

    private static void CheckDataLength(string path, int[] shape, NpyElementType element, long count, long actual)
    {
        long expected = count * element.Size;
        if (actual < expected)
        {
            throw Fault(path, $"the file is cut short: shape {ShapeText(shape)} of {element.Descr} needs "
                + $"{expected} bytes of data but only {actual} follow the header.");
        }

        if (actual > expected)
        {
            throw Fault(path, $"the file has {actual - expected} bytes more than shape {ShapeText(shape)} of "
                + $"{element.Descr} calls for ({expected}); it is damaged or its header is wrong.");
        }
    }

    private static void CheckFinite(string path, Tensor values)
    {
        float[] data = values.Data;
        for (int i = 0; i < data.Length; i++)
        {
            if (!float.IsFinite(data[i]))
            {
                int columns = values.RowLength;
                throw DataFormatException.AtArrayCell(
                    $"the value {data[i]} is not a finite float32 (NaN, infinity, or beyond ±3.4e38); "
                    + "non-finite values are refused.",
                    path, (i / columns) + 1, (i % columns) + 1);
            }
        }
    }

    private static string ShapeText(int[] shape) =>
        shape.Length == 1 ? $"({shape[0]},)" : "(" + string.Join(", ", shape) + ")";

    private static DataFormatException Fault(string path, string reason) => new(reason, path, null, null);
}
