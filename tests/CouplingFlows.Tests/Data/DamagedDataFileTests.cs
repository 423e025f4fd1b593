using System.IO.Compression;
using System.Text;
using CouplingFlows.Data;
using CouplingFlows.Numerics;
using CouplingFlows.Tests.Support;

namespace CouplingFlows.Tests.Data;

/// <summary>Randomly damaged CSV, .npy and IDX files are read or refused with a DataFormatException naming
/// the file; never another exception type, a crash or a hang.</summary>
public sealed class DamagedDataFileTests
{
    /// <summary>Cases per format: a few hundred milliseconds each on the build machine.</summary>
    private const int Cases = 150;

    [Fact]
    public Task CsvReader_DamagedFile_IsReadOrRefusedClearly() =>
        DamageFuzzer.RunAsync<DataFormatException>(CsvBytes(), ".csv", Cases, 1, mayBeRead: true, ReadCsv);

    [Fact]
    public Task CsvReader_DamagedGzipFile_IsReadOrRefusedClearly() =>
        DamageFuzzer.RunAsync<DataFormatException>(Gzip(CsvBytes()), ".csv.gz", Cases, 2, mayBeRead: true, ReadCsv);

    [Fact]
    public Task NpyReader_DamagedFile_IsReadOrRefusedClearly() =>
        DamageFuzzer.RunAsync<DataFormatException>(NpyBytes(), ".npy", Cases, 3, mayBeRead: true, ReadNpy);

    [Fact]
    public Task IdxReader_DamagedFile_IsReadOrRefusedClearly() =>
        DamageFuzzer.RunAsync<DataFormatException>(IdxBytes(), "-idx3-ubyte", Cases, 4, mayBeRead: true, ReadIdx);

    [Fact]
    public Task IdxReader_DamagedGzipFile_IsReadOrRefusedClearly() =>
        DamageFuzzer.RunAsync<DataFormatException>(
            Gzip(IdxBytes()), "-idx3-ubyte.gz", Cases, 5, mayBeRead: true, ReadIdx);

    [Theory]
    [InlineData(4)]
    [InlineData(8)]
    [InlineData(40)]
    public void CsvReader_GzipFileCutShort_IsRefusedAsCutShort(int missingBytes)
    {
        byte[] whole = Gzip(CsvBytes());
        string path = Path.Combine(Path.GetTempPath(), $"cflow-cut-{Guid.NewGuid():N}.csv.gz");
        File.WriteAllBytes(path, whole[..^missingBytes]);

        try
        {
            var error = Assert.Throws<DataFormatException>(() => CsvReader.Read(path));

            Assert.Contains("cut short", error.Message, StringComparison.Ordinal);
            Assert.Equal(path, error.FilePath);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void IdxReader_SizesWhoseProductOverflows_AreRefused()
    {
        byte[] header = [0, 0, 8, 4, .. Enumerable.Repeat<byte[]>([0x7F, 0xFF, 0xFF, 0xFF], 4).SelectMany(b => b)];

        DataFormatException error = ReadRefused([.. header, 1, 2, 3], "huge-idx3-ubyte", IdxReader.Read);

        Assert.Contains("more than a tensor can hold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NpyReader_ShapeWhoseProductOverflows_IsRefused()
    {
        string dictionary =
            "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 2147483647, 2147483647, 2147483647), }";
        byte[] text = Encoding.Latin1.GetBytes(dictionary.PadRight(127) + "\n");
        byte[] bytes = [0x93, .. "NUMPY"u8, 1, 0, (byte)text.Length, 0, .. text];

        DataFormatException error = ReadRefused(bytes, "huge.npy", NpyReader.Read);

        Assert.Contains("holds more elements than a tensor can", error.Message, StringComparison.Ordinal);
    }

    private static DataFormatException ReadRefused(byte[] bytes, string name, Func<string, Tensor> read)
    {
        string folder = Directory.CreateTempSubdirectory("cflow-crafted-").FullName;
        try
        {
            string path = Path.Combine(folder, name);
            File.WriteAllBytes(path, bytes);
            return Assert.Throws<DataFormatException>(() => read(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static byte[] CsvBytes()
    {
        var text = new StringBuilder("x,y,z\n");
        var random = new RandomSource(9);
        for (int i = 0; i < 12; i++)
        {
            text.Append(FormattableString.Invariant(
                $"{random.NextGaussian():F4},{random.NextGaussian() * 1e3:F2},{random.NextInt(100)}\n"));
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] NpyBytes()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cflow-fuzz-{Guid.NewGuid():N}.npy");
        var values = new Tensor(6, 3);
        new RandomSource(8).FillGaussian(values.Data);
        NpyWriter.Write(path, values);
        byte[] bytes = File.ReadAllBytes(path);
        File.Delete(path);

        return bytes;
    }

    /// <summary>Five 4 × 4 images of unsigned bytes: magic 0x00000803, three big-endian sizes, pixels.</summary>
    private static byte[] IdxBytes()
    {
        byte[] header = [0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 4];
        return [.. header, .. Enumerable.Range(0, 80).Select(i => (byte)(i * 37))];
    }

    private static byte[] Gzip(byte[] content)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return memory.ToArray();
    }

    private static void ReadCsv(string path) => AssertFinite(CsvReader.Read(path).Values);

    private static void ReadNpy(string path) => AssertFinite(NpyReader.Read(path));

    private static void ReadIdx(string path) => AssertFinite(IdxReader.Read(path));

    private static void AssertFinite(Tensor values) =>
        Assert.All(values.Data, v => Assert.True(float.IsFinite(v), "a non-finite value was accepted"));
}
