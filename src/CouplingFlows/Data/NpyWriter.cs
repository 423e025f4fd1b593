using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>Writes a tensor as a NumPy .npy file that numpy.load and <see cref="NpyReader"/> read.</summary>
/// <remarks>
/// The file uses format version 1.0, dtype '&lt;f4' (little-endian float32), C order and the
/// tensor's full shape, with the header padded so that the data starts at a multiple of 64 bytes.
/// Format: <see href="https://numpy.org/neps/nep-0001-npy-format.html"/>.
/// </remarks>
public static class NpyWriter
{
    private const int Alignment = 64;

    /// <summary>Writes the tensor, replacing any file at the path atomically (temporary file, then rename).</summary>
    /// <param name="path">The destination, normally ending in .npy; a name ending in .gz is written
    /// gzip-compressed, which <see cref="NpyReader"/> reads but numpy.load does not.</param>
    /// <param name="values">The tensor; its shape is stored as is.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="values"/>
    /// is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file cannot be written; an earlier file at the path is kept.</exception>
    public static void Write(string path, Tensor values)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(values);

        byte[] header = BuildHeader(values.Shape);
        DataFile.WriteAtomically(path, stream =>
        {
            stream.Write(header);
            WriteData(stream, values.Data);
        });
    }

    /// <summary>The magic, version, header length and padded dictionary literal.</summary>
    private static byte[] BuildHeader(IReadOnlyList<int> shape)
    {
        string dimensions = shape.Count == 1
            ? $"{shape[0]},"
            : string.Join(", ", shape.Select(size => size.ToString(CultureInfo.InvariantCulture)));
        string dictionary = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dimensions}), }}";
        const int prefixLength = 10;
        int unpadded = prefixLength + dictionary.Length + 1;
        int padded = (unpadded + Alignment - 1) / Alignment * Alignment;
        string text = dictionary.PadRight(padded - prefixLength - 1) + "\n";

        byte[] header = new byte[padded];
        header[0] = 0x93;
        Encoding.ASCII.GetBytes("NUMPY", header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(8), checked((ushort)text.Length));
        Encoding.ASCII.GetBytes(text, header.AsSpan(prefixLength));

        return header;
    }

    private static void WriteData(Stream stream, float[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }

        byte[] buffer = new byte[4];
        foreach (float value in data)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
            stream.Write(buffer);
        }
    }
}
