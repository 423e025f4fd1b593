using System.Buffers.Binary;
using System.IO.Compression;

using CouplingFlows.Data;
using CouplingFlows.Numerics;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class IdxReaderTests
{
    /// <summary>An IDX file: magic 00 00 type rank, big-endian sizes, then the payload bytes.</summary>
    private static byte[] IdxBytes(byte type, int[] dimensions, byte[] payload)
    {
        byte[] bytes = new byte[4 + (4 * dimensions.Length) + payload.Length];
        bytes[2] = type;
        bytes[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * d)), dimensions[d]);
        }

        payload.CopyTo(bytes, 4 + (4 * dimensions.Length));

        return bytes;
    }

    private static byte[] Pixels(int count) => [.. Enumerable.Range(0, count).Select(i => (byte)(i * 7))];

    [Fact]
    public void ReadImages_TwoImagesOf2x3_GivesFlattenedRows()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteBytes("images-idx3-ubyte", IdxBytes(0x08, [2, 2, 3], Pixels(12)));

        Tensor images = IdxReader.ReadImages(path);

        Assert.True(images.HasShape(2, 6));
        Assert.Equal(Pixels(12).Select(b => (float)b), images.Data);
    }

    [Fact]
    public void Read_ImageFile_KeepsTheFileDimensions()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteBytes("images-idx3-ubyte", IdxBytes(0x08, [2, 2, 3], Pixels(12)));

        Tensor images = IdxReader.Read(path);

        Assert.True(images.HasShape(2, 2, 3));
    }

    [Fact]
    public void ReadLabels_GzipContentWithoutGzName_DecompressesByMagicBytes()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("labels-idx1-ubyte");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gzip.Write(IdxBytes(0x08, [4], [3, 1, 4, 1]));
        }

        int[] labels = IdxReader.ReadLabels(path);

        Assert.Equal([3, 1, 4, 1], labels);
    }

    [Fact]
    public void ReadImages_GzipCutShort_ThrowsDamaged()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("images-idx3-ubyte.gz");
        var random = new RandomSource(1);
        byte[] noisy = [.. Enumerable.Range(0, 4 * 28 * 28).Select(_ => (byte)random.NextInt(256))];
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gzip.Write(IdxBytes(0x08, [4, 28, 28], noisy));
        }

        byte[] compressed = File.ReadAllBytes(path);
        File.WriteAllBytes(path, compressed[..(compressed.Length / 2)]);

        DataFormatException fault = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("damaged or cut short", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImages_BadMagic_ThrowsNamingFileAndBytes()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteText("notes.txt", "hello, this is text");

        DataFormatException fault = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Equal(path, fault.FilePath);
        Assert.Contains("not an IDX file", fault.Message, StringComparison.Ordinal);
        Assert.Contains("0x68656C6C", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImages_FloatElements_ThrowsUnsupportedType()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteBytes("floats-idx3", IdxBytes(0x0D, [1, 1, 1], [0, 0, 0, 0]));

        DataFormatException fault = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("32-bit floats (type code 0x0D)", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImages_TruncatedData_ThrowsWithExpectedAndActualLengths()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteBytes("cut-idx3-ubyte", IdxBytes(0x08, [3, 2, 2], Pixels(10)));

        DataFormatException fault = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("cut short", fault.Message, StringComparison.Ordinal);
        Assert.Contains("3 × 2 × 2 call for 12 bytes", fault.Message, StringComparison.Ordinal);
        Assert.Contains("only 10 follow", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImages_TruncatedHeader_Throws()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteBytes("cut-idx3-ubyte", IdxBytes(0x08, [3, 2, 2], [])[..9]);

        DataFormatException fault = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("header of 3 dimension sizes needs 16", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadLabels_ExtraBytes_ThrowsSayingHowMany()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteBytes("long-idx1-ubyte", IdxBytes(0x08, [3], [1, 2, 3, 4, 5]));

        DataFormatException fault = Assert.Throws<DataFormatException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("2 bytes more than its dimensions 3 call for", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImages_LabelFile_ThrowsWrongDimensionCount()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteBytes("labels-idx1-ubyte", IdxBytes(0x08, [3], [1, 2, 3]));

        DataFormatException fault = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));

        Assert.Contains("1-dimensional array (magic 0x00000801)", fault.Message, StringComparison.Ordinal);
        Assert.Contains("magic 0x00000803", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadImages_RealMnist10k_Gives10000ImagesOf784PixelsIn0To255()
    {
        string path = SharedData.PathOf("mnist-10k-images-idx3-ubyte.gz");

        Tensor images = IdxReader.ReadImages(path);

        Assert.True(images.HasShape(10000, 784));
        Assert.Equal(0f, images.Data.Min());
        Assert.Equal(255f, images.Data.Max());
    }

    [Fact]
    public void ReadLabels_RealMnist10k_Gives10000DigitsStartingWith0()
    {
        string path = SharedData.PathOf("mnist-10k-labels-idx1-ubyte.gz");

        int[] labels = IdxReader.ReadLabels(path);

        Assert.Equal(10000, labels.Length);
        Assert.Equal(0, labels[0]);
        Assert.Equal(Enumerable.Range(0, 10), labels.Distinct().Order());
    }
}
