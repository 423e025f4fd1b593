using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace CouplingFlows.Data;

/// <summary>A numeric .npy dtype: kind (f, i, u, b), size in bytes and byte order.</summary>
internal sealed record NpyElementType(string Descr, char Kind, int Size, bool BigEndian)
{
    /// <summary>Parses a dtype string such as "&lt;f4", "|u1" or "&gt;i8".</summary>
    public static NpyElementType Parse(string descr, string path)
    {
        ReadOnlySpan<char> text = descr;
        bool bigEndian = false;
        if (text.Length > 0 && text[0] is '<' or '>' or '|' or '=')
        {
            bigEndian = text[0] == '>' || (text[0] == '=' && !BitConverter.IsLittleEndian);
            text = text[1..];
        }

        int size = 0;
        bool parsed = text.Length >= 2
            && int.TryParse(text[1..], NumberStyles.None, CultureInfo.InvariantCulture, out size)
            && IsSupported(text[0], size);
        if (!parsed)
        {
            throw new DataFormatException(
                $"the dtype '{descr}' is not supported; use float16/32/64 (f2, f4, f8), integers (i1..i8, "
                + "u1..u8) or booleans (b1).", path, null, null);
        }

        return new NpyElementType(descr, text[0], size, bigEndian);
    }

    /// <summary>Converts the first destination.Length elements of the raw data to float32.</summary>
    public void Convert(ReadOnlySpan<byte> data, Span<float> destination)
    {
        if (Kind == 'f' && Size == 4 && BigEndian != BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(data[..(destination.Length * 4)]).CopyTo(destination);
            return;
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = ReadOne(data.Slice(i * Size, Size));
        }
    }

    private static bool IsSupported(char kind, int size) => kind switch
    {
        'f' => size is 2 or 4 or 8,
        'i' or 'u' => size is 1 or 2 or 4 or 8,
        'b' => size == 1,
        _ => false,
    };

    private float ReadOne(ReadOnlySpan<byte> bytes) => (Kind, Size, BigEndian) switch
    {
        ('b', _, _) => bytes[0] != 0 ? 1f : 0f,
        ('u', 1, _) => bytes[0],
        ('i', 1, _) => (sbyte)bytes[0],
        ('f', 2, false) => (float)BinaryPrimitives.ReadHalfLittleEndian(bytes),
        ('f', 2, true) => (float)BinaryPrimitives.ReadHalfBigEndian(bytes),
        ('f', 4, false) => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        ('f', 4, true) => BinaryPrimitives.ReadSingleBigEndian(bytes),
        ('f', 8, false) => (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes),
        ('f', 8, true) => (float)BinaryPrimitives.ReadDoubleBigEndian(bytes),
        ('i', 2, false) => BinaryPrimitives.ReadInt16LittleEndian(bytes),
        ('i', 2, true) => BinaryPrimitives.ReadInt16BigEndian(bytes),
        ('i', 4, false) => BinaryPrimitives.ReadInt32LittleEndian(bytes),
        ('i', 4, true) => BinaryPrimitives.ReadInt32BigEndian(bytes),
        ('i', 8, false) => BinaryPrimitives.ReadInt64LittleEndian(bytes),
        ('i', 8, true) => BinaryPrimitives.ReadInt64BigEndian(bytes),
        ('u', 2, false) => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
        ('u', 2, true) => BinaryPrimitives.ReadUInt16BigEndian(bytes),
        ('u', 4, false) => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
        ('u', 4, true) => BinaryPrimitives.ReadUInt32BigEndian(bytes),
        ('u', 8, false) => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        ('u', 8, true) => BinaryPrimitives.ReadUInt64BigEndian(bytes),
        _ => throw new System.Diagnostics.UnreachableException($"dtype {Descr} passed validation but has no reader."),
    };
}
