using CouplingFlows.Data;
using CouplingFlows.Numerics;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class CsvWriterTests
{
    private static Tensor RandomTable(int rows, int columns, long seed)
    {
        var random = new RandomSource(seed);
        var values = new Tensor(rows, columns);
        for (int i = 0; i < values.Length; i++)
        {
            // Spread the magnitudes widely so the shortest round-trip text is exercised.
            values.Data[i] = (float)(random.NextGaussian() * Math.Pow(10, random.NextInt(20) - 10));
        }

        return values;
    }

    [Fact]
    public void Write_ThenRead_RoundTripsEveryBit()
    {
        Tensor values = RandomTable(50, 7, seed: 3);
        values[0, 0] = float.Epsilon;
        values[0, 1] = float.MaxValue;
        values[0, 2] = -0f;
        var text = new StringWriter();

        CsvWriter.Write(text, values);
        CsvTable table = CsvReader.Read(new StringReader(text.ToString()), "memory");

        Assert.True(table.Values.HasShape(50, 7));
        Assert.Equal(
            values.Data.Select(BitConverter.SingleToInt32Bits),
            table.Values.Data.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void Write_WithHeaderToFile_RoundTripsNamesAndValues()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("out.csv");
        Tensor values = RandomTable(4, 3, seed: 5);
        string[] header = ["plain", "with, comma", "with \"quotes\""];

        CsvWriter.Write(path, values, header);
        CsvTable table = CsvReader.Read(path);

        Assert.Equal(header, table.Header!);
        Assert.Equal(values.Data, table.Values.Data);
    }

    [Fact]
    public void Write_GzPath_WritesCompressedFileThatReadsBack()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("out.csv.gz");
        Tensor values = RandomTable(10, 2, seed: 8);

        CsvWriter.Write(path, values);
        byte[] head = File.ReadAllBytes(path)[..2];
        CsvTable table = CsvReader.Read(path);

        Assert.Equal([0x1f, 0x8b], head);
        Assert.Equal(values.Data, table.Values.Data);
    }

    [Fact]
    public void Write_NonFiniteValues_ReadBackWhenAllowed()
    {
        var values = new Tensor([float.NaN, float.PositiveInfinity, float.NegativeInfinity], 1, 3);
        var text = new StringWriter();

        CsvWriter.Write(text, values);
        CsvTable table = CsvReader.Read(
            new StringReader(text.ToString()), "memory", new CsvReadOptions { AllowNonFinite = true });

        Assert.Equal(values.Data, table.Values.Data);
    }

    [Fact]
    public void Write_HeaderOfWrongLength_ThrowsNamingBothCounts()
    {
        var values = new Tensor(2, 3);

        ArgumentException fault = Assert.Throws<ArgumentException>(
            () => CsvWriter.Write(new StringWriter(), values, ["a", "b"]));

        Assert.Equal("header", fault.ParamName);
        Assert.Contains("header has 2 names but values has 3 columns", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_HeaderNameWithLineBreak_Throws()
    {
        var values = new Tensor(1, 1);

        ArgumentException fault = Assert.Throws<ArgumentException>(
            () => CsvWriter.Write(new StringWriter(), values, ["a\nb"]));

        Assert.Equal("header", fault.ParamName);
        Assert.Contains("line break", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_ExistingFile_IsReplacedAndNoTemporaryFileRemains()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteText("out.csv", "old content\n");
        var values = new Tensor([1f, 2f], 1, 2);

        CsvWriter.Write(path, values);

        Assert.Equal("1,2\n", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(directory.FullPath));
    }
}
