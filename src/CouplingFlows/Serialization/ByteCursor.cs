using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace CouplingFlows.Serialization;

/// <summary>Reads little-endian values from the body, refusing any read past its end.</summary>
internal sealed class ByteCursor(byte[] bytes, int start, int end)
{
    private int _position = start;

    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(sizeof(int)));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(sizeof(double)));

    /// <summary>Reads a count of items of the given size, refusing one the rest of the file cannot hold.</summary>
    public int ReadCount(int itemSize, string what)
    {
        int count = ReadInt32();
        if (count < 0 || (long)count * itemSize > end - _position)
        {
            throw new InvalidDataException($"the {what} length {count} is impossible.");
        }

        return count;
    }

    public byte[] ReadBytes(int count) => Take(count).ToArray();

    public int[] ReadInts(int count) => MemoryMarshal.Cast<byte, int>(Take(Bytes(count, sizeof(int)))).ToArray();

    public float[] ReadFloats(int count) =>
        MemoryMarshal.Cast<byte, float>(Take(Bytes(count, sizeof(float)))).ToArray();

    public void ExpectEnd()
    {
        if (_position != end)
        {
            throw new InvalidDataException($"{end - _position} unexpected bytes follow the last array.");
        }
    }

    private int Bytes(int count, int itemSize)
    {
        long length = (long)count * itemSize;
        return count < 0 || length > end - _position
            ? throw new InvalidDataException($"an array of {count} items runs past the end of the file.")
            : (int)length;
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > end - _position)
        {
            throw new InvalidDataException("the content ends in the middle of a value.");
        }

        ReadOnlySpan<byte> span = bytes.AsSpan(_position, count);
        _position += count;

        return span;
    }
}
