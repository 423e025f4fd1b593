using System.Buffers.Binary;

using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>Reads IDX files, the format of the MNIST images and labels, gzip-compressed or not.</summary>
/// <remarks>
/// <para>An IDX file is a 4-byte magic number (two zero bytes, an element-type code and the number
/// of dimensions), one big-endian 32-bit size per dimension, then the elements in row-major order.
/// MNIST images have magic 0x00000803 (unsigned bytes, 3 dimensions: count, rows, columns) and
/// labels 0x00000801 (unsigned bytes, 1 dimension). Format: Y. LeCun, C. Cortes and C. J. C.
/// Burges, "The MNIST database of handwritten digits",
/// <see href="http://yann.lecun.com/exdb/mnist/"/>.</para>
/// <para>Gzip content is recognised by its first two bytes (1f 8b), whatever the file is called.
/// Only unsigned-byte elements (type 0x08) are supported. The whole file is decompressed in
/// memory.</para>
/// </remarks>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads an image file (magic 0x00000803) as one flattened image per row.</summary>
    /// <param name="path">The file, for example train-images-idx3-ubyte or its .gz.</param>
    /// <returns>Pixels of shape (N, rows × columns) in row-major order, float32 values in [0, 255].
    /// Use <see cref="Read"/> to learn the image height and width.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is not an IDX image file, or is damaged,
    /// truncated, or longer than its dimensions say.</exception>
    public static Tensor ReadImages(string path)
    {
        Tensor images = Read(path);
        if (images.Rank != 3)
        {
            throw WrongRank(path, images.Rank, 3, "images");
        }

        return images.Reshape(images.Shape[0], images.Shape[1] * images.Shape[2]);
    }

    /// <summary>Reads a label file (magic 0x00000801).</summary>
    /// <param name="path">The file, for example train-labels-idx1-ubyte or its .gz.</param>
    /// <returns>One label in [0, 255] per item.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is not an IDX label file, or is damaged,
    /// truncated, or longer than its dimensions say.</exception>
    public static int[] ReadLabels(string path)
    {
        (int[] dimensions, byte[] bytes, int offset) = Parse(path);
        if (dimensions.Length != 1)
        {
            throw WrongRank(path, dimensions.Length, 1, "labels");
        }

        int[] labels = new int[dimensions[0]];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = bytes[offset + i];
        }

        return labels;
    }

    /// <summary>Reads an unsigned-byte IDX file of any rank, keeping its dimensions.</summary>
    /// <param name="path">The file.</param>
    /// <returns>A tensor whose shape is the file's dimensions, for example (N, 28, 28) for MNIST
    /// images or (N) for labels, with float32 values in [0, 255].</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is not an unsigned-byte IDX file, or is
    /// damaged, truncated, or longer than its dimensions say.</exception>
    public static Tensor Read(string path)
    {
        (int[] dimensions, byte[] bytes, int offset) = Parse(path);
        var result = new Tensor(dimensions);
        float[] values = result.Data;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = bytes[offset + i];
        }

        return result;
    }

    private static (int[] Dimensions, byte[] Bytes, int Offset) Parse(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = DataFile.ReadAllBytes(path);
        CheckMagic(path, bytes);

        int rank = bytes[3];
        int headerLength = 4 + (4 * rank);
        if (bytes.Length < headerLength)
        {
            throw Fault(path, $"the file is cut short: it is {bytes.Length} bytes long but its header of "
                + $"{rank} dimension sizes needs {headerLength}.");
        }

        int[] dimensions = ReadDimensions(path, bytes, rank);
        long expected = DataFile.ElementCount(dimensions);
        CheckDataLength(path, dimensions, expected, bytes.Length - headerLength);

        return (dimensions, bytes, headerLength);
    }

    private static void CheckMagic(string path, byte[] bytes)
    {
        if (bytes.Length < 4)
        {
            throw Fault(path, $"the file is {bytes.Length} bytes long, too short for the 4-byte IDX magic number.");
        }

        if (bytes[0] != 0 || bytes[1] != 0)
        {
            string start = Convert.ToHexString(bytes.AsSpan(0, 4));
            throw Fault(path, $"this is not an IDX file: it starts with bytes 0x{start}, but an IDX file "
                + "starts with two zero bytes, an element-type code and a dimension count.");
        }

        byte type = bytes[2];
        if (type != UnsignedByteType)
        {
            throw Fault(path, $"the elements are {TypeName(type)} (type code 0x{type:X2}); only unsigned "
                + "bytes (type code 0x08, as in MNIST) are supported.");
        }

        if (bytes[3] == 0)
        {
            throw Fault(path, "the magic number 0x00000800 declares zero dimensions; at least one is needed.");
        }
    }

    private static int[] ReadDimensions(string path, byte[] bytes, int rank)
    {
        int[] dimensions = new int[rank];
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + (4 * d), 4));
            if (size > int.MaxValue)
            {
                throw Fault(path, $"dimension {d + 1} has size {size}, more than a tensor can hold.");
            }

            dimensions[d] = (int)size;
        }

        return dimensions;
    }

    private static void CheckDataLength(string path, int[] dimensions, long expected, long actual)
    {
        string shape = string.Join(" × ", dimensions);
        if (expected > Array.MaxLength)
        {
            throw Fault(path, $"the dimensions {shape} call for {expected} elements, more than a tensor can hold.");
        }

        if (actual < expected)
        {
            throw Fault(path, $"the file is cut short: its dimensions {shape} call for {expected} bytes of data "
                + $"but only {actual} follow the header.");
        }

        if (actual > expected)
        {
            throw Fault(path, $"the file has {actual - expected} bytes more than its dimensions {shape} call for "
                + $"({expected}); it is damaged or its header is wrong.");
        }
    }

    private static DataFormatException WrongRank(string path, int rank, int wanted, string what) =>
        Fault(path, $"the file holds a {rank}-dimensional array (magic 0x{0x800 + rank:X8}) but {what} "
            + $"need {wanted} dimension{(wanted == 1 ? string.Empty : "s")} (magic 0x{0x800 + wanted:X8}).");

    private static DataFormatException Fault(string path, string reason) => new(reason, path, null, null);

    private static string TypeName(byte type) => type switch
    {
        0x09 => "signed bytes",
        0x0B => "16-bit integers",
        0x0C => "32-bit integers",
        0x0D => "32-bit floats",
        0x0E => "64-bit floats",
        _ => "of an unknown type",
    };
}
