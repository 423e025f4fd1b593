using System.IO.Compression;
using System.Text;

using CouplingFlows.Data;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class CsvReaderTests
{
    private const string Source = "data.csv";

    private static CsvTable ReadText(string text, CsvReadOptions? options = null) =>
        CsvReader.Read(new StringReader(text), Source, options);

    private static DataFormatException ReadFault(string text, CsvReadOptions? options = null) =>
        Assert.Throws<DataFormatException>(() => ReadText(text, options));

    [Fact]
    public void Read_NumbersWithoutHeader_ReturnsAllRowsAndNoHeader()
    {
        const string text = "1,2.5,-3\n4e-2,+5,6\n";

        CsvTable table = ReadText(text);

        Assert.Null(table.Header);
        Assert.True(table.Values.HasShape(2, 3));
        Assert.Equal([1f, 2.5f, -3f, 0.04f, 5f, 6f], table.Values.Data);
        Assert.Equal(',', table.Delimiter);
    }

    [Fact]
    public void Read_FirstLineHasNames_DetectsHeader()
    {
        const string text = "x,y\n1,2\n3,4\n";

        CsvTable table = ReadText(text);

        Assert.Equal(["x", "y"], table.Header!);
        Assert.True(table.Values.HasShape(2, 2));
    }

    [Fact]
    public void Read_LetterAtLine3Column2WithHeader_NamesLine3CountingTheHeaderAsLine1()
    {
        // Line 1 is the header, so line 3 is the second data row.
        const string text = "a,b\n1,2\n3,abc\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal(Source, fault.FilePath);
        Assert.Equal(3, fault.Row);
        Assert.Equal(2, fault.Column);
        Assert.Equal("data.csv, line 3, column 2: 'abc' is not a number.", fault.Message);
    }

    [Fact]
    public void Read_LetterAtLine3Column2WithoutHeader_NamesLine3()
    {
        const string text = "1,2\n3,4\n5,abc\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal(3, fault.Row);
        Assert.Equal(2, fault.Column);
        Assert.Contains("'abc' is not a number", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BlankLinesBeforeFault_CountsThemInTheLineNumber()
    {
        const string text = "1,2\n\n   \n3,x\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal(4, fault.Row);
        Assert.Equal(2, fault.Column);
    }

    [Fact]
    public void Read_WindowsLineEndsAndByteOrderMark_ParsesValues()
    {
        const string text = "\uFEFFa,b\r\n1,2\r\n3,4\r\n";

        CsvTable table = ReadText(text);

        Assert.Equal(["a", "b"], table.Header!);
        Assert.Equal([1f, 2f, 3f, 4f], table.Values.Data);
    }

    [Fact]
    public void Read_EmptyCell_ThrowsNamingTheCell()
    {
        const string text = "1,2,3\n4,,6\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal((2, 2), (fault.Row, fault.Column));
        Assert.Contains("the cell is empty", fault.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NA")]
    [InlineData("null")]
    [InlineData("N/A")]
    public void Read_MissingValueMarker_ThrowsNamingTheMarker(string marker)
    {
        string text = $"1,2\n3,{marker}\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal((2, 2), (fault.Row, fault.Column));
        Assert.Contains($"'{marker}' marks a missing value", fault.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("nan")]
    [InlineData("inf")]
    [InlineData("-Infinity")]
    public void Read_NonFiniteByDefault_ThrowsNamingTheCell(string cell)
    {
        string text = $"1,2\n3,4\n{cell},5\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal((3, 1), (fault.Row, fault.Column));
        Assert.Contains($"'{cell}' is not a finite number", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NonFiniteWhenAllowed_ReturnsNaNAndInfinities()
    {
        const string text = "nan,inf,-Infinity\n";

        CsvTable table = ReadText(text, new CsvReadOptions { AllowNonFinite = true });

        Assert.True(float.IsNaN(table.Values.Data[0]));
        Assert.Equal(float.PositiveInfinity, table.Values.Data[1]);
        Assert.Equal(float.NegativeInfinity, table.Values.Data[2]);
    }

    [Fact]
    public void Read_ValueBeyondFloat32Range_ThrowsOutOfRange()
    {
        const string text = "1,2\n1e40,3\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal((2, 1), (fault.Row, fault.Column));
        Assert.Contains("outside the float32 range", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RowWithFewerCellsThanHeader_ThrowsAtFirstMissingColumn()
    {
        const string text = "a,b,c\n1,2,3\n4,5\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal((3, 3), (fault.Row, fault.Column));
        Assert.Contains("the row has 2 cells but the header has 3", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RowWithMoreCellsThanFirstRow_ThrowsAtFirstExtraColumn()
    {
        const string text = "1,2,3\n4,5,6,7\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal((2, 4), (fault.Row, fault.Column));
        Assert.Contains("the row has 4 cells but the first row has 3", fault.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n  \n\t\n")]
    public void Read_EmptyOrBlankFile_ThrowsWithoutLocation(string text)
    {
        DataFormatException fault = ReadFault(text);

        Assert.Null(fault.Row);
        Assert.Null(fault.Column);
        Assert.StartsWith("data.csv: the file holds no data", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_HeaderOnly_ThrowsNamingTheHeaderLine()
    {
        const string text = "\nx,y,z\n\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal(2, fault.Row);
        Assert.Null(fault.Column);
        Assert.Contains("a header but no data rows", fault.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a;b\n1.5;2\n", ';')]
    [InlineData("a\tb\n1.5\t2\n", '\t')]
    [InlineData("1.500000000000000000e+00 2.000000000000000000e+00\n", ' ')]
    [InlineData("  1.5   2  \n", ' ')]
    public void Read_OtherDelimiters_DetectsAndParses(string text, char expected)
    {
        CsvTable table = ReadText(text);

        Assert.Equal(expected, table.Delimiter);
        Assert.Equal([1.5f, 2f], table.Values.Data);
    }

    [Fact]
    public void Read_DecimalComma_ThrowsWithSeparatorHint()
    {
        const string text = "1.5;2\n1,5;3\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal((2, 1), (fault.Row, fault.Column));
        Assert.Contains("use '.' as the decimal separator", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LastColumnAsLabel_SplitsLabelsFromValues()
    {
        const string text = "p,q,class\n1,2,0\n3,4,1\n";

        CsvTable table = ReadText(text, new CsvReadOptions { LabelColumn = -1 });

        Assert.True(table.Values.HasShape(2, 2));
        Assert.Equal([1f, 2f, 3f, 4f], table.Values.Data);
        Assert.Equal([0f, 1f], table.Labels!);
        Assert.Equal(["p", "q"], table.Header!);
        Assert.Equal("class", table.LabelName);
    }

    [Fact]
    public void Read_DroppedTextColumn_IsSkippedWithoutParsing()
    {
        const string text = "id,x,y\nalpha,1,2\nbeta,3,4\n";

        CsvTable table = ReadText(text, new CsvReadOptions { DropColumns = [0] });

        Assert.Equal(["x", "y"], table.Header!);
        Assert.Equal([1f, 2f, 3f, 4f], table.Values.Data);
    }

    [Fact]
    public void Read_FaultAfterDroppedColumn_CountsFileColumns()
    {
        const string text = "id,x,y\nalpha,1,2\nbeta,3,oops\n";

        DataFormatException fault = ReadFault(text, new CsvReadOptions { DropColumns = [0] });

        Assert.Equal((3, 3), (fault.Row, fault.Column));
    }

    [Fact]
    public void Read_LabelColumnOutsideFile_ThrowsNamingTheIndex()
    {
        const string text = "1,2\n3,4\n";

        DataFormatException fault = ReadFault(text, new CsvReadOptions { LabelColumn = 5 });

        Assert.Contains("label column index 5 does not exist", fault.Message, StringComparison.Ordinal);
        Assert.Contains("2 columns", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_EveryColumnExcluded_Throws()
    {
        const string text = "1,2\n";

        DataFormatException fault = ReadFault(text, new CsvReadOptions { LabelColumn = 0, DropColumns = [1] });

        Assert.Contains("no feature column is left", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_QuotedCells_UnquotesNamesAndNumbers()
    {
        const string text = "\"width, cm\",\"say \"\"hi\"\"\"\n\"1.5\", 2 \n";

        CsvTable table = ReadText(text);

        Assert.Equal(["width, cm", "say \"hi\""], table.Header!);
        Assert.Equal([1.5f, 2f], table.Values.Data);
    }

    [Fact]
    public void Read_UnclosedQuote_ThrowsNamingTheCell()
    {
        const string text = "1,2\n3,\"4\n";

        DataFormatException fault = ReadFault(text);

        Assert.Equal((2, 2), (fault.Row, fault.Column));
        Assert.Contains("quoted cell is not closed", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ForcedHeaderOfNumericNames_TakesFirstLineAsHeader()
    {
        const string text = "1,2\n3,4\n";

        CsvTable table = ReadText(text, new CsvReadOptions { HasHeader = true });

        Assert.Equal(["1", "2"], table.Header!);
        Assert.Equal([3f, 4f], table.Values.Data);
    }

    [Fact]
    public void Read_ForcedNoHeader_ReportsNamesAsFaultsOnLine1()
    {
        const string text = "x,y\n3,4\n";

        DataFormatException fault = ReadFault(text, new CsvReadOptions { HasHeader = false });

        Assert.Equal((1, 1), (fault.Row, fault.Column));
    }

    [Fact]
    public void Read_DelimiterIsQuote_ThrowsArgumentException()
    {
        var options = new CsvReadOptions { Delimiter = '"' };

        ArgumentException fault = Assert.Throws<ArgumentException>(() => ReadText("1\n", options));

        Assert.Equal("options", fault.ParamName);
        Assert.Contains("delimiter cannot be a double quote", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_GzipFileWithoutGzName_DecompressesByContent()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("table.csv");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes("a,b\n1,2\n"));
        }

        CsvTable table = CsvReader.Read(path);

        Assert.Equal([1f, 2f], table.Values.Data);
    }

    [Fact]
    public void Read_FileWithFault_NamesThePathAsGiven()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteText("bad.csv", "1,2\nz,3\n");

        DataFormatException fault = Assert.Throws<DataFormatException>(() => CsvReader.Read(path));

        Assert.Equal(path, fault.FilePath);
        Assert.StartsWith($"{path}, line 2, column 1: 'z'", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DamagedGzip_ThrowsDataFormatException()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteBytes("broken.csv.gz", [0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02, 0x03, 0xff, 0xee]);

        DataFormatException fault = Assert.Throws<DataFormatException>(() => CsvReader.Read(path));

        Assert.Equal(path, fault.FilePath);
        Assert.Contains("cannot be decompressed", fault.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(1)]
    public void Read_GzipCutShort_ThrowsInsteadOfReadingFewerRows(int divisor)
    {
        using var directory = new TemporaryDirectory();
        string whole = directory.File("whole.csv.gz");
        CsvWriter.Write(whole, new CouplingFlows.Numerics.Tensor(500, 4));
        byte[] compressed = File.ReadAllBytes(whole);
        int keep = divisor == 1 ? compressed.Length - 1 : compressed.Length / divisor;
        string path = directory.WriteBytes("cut.csv.gz", compressed[..keep]);

        DataFormatException fault = Assert.Throws<DataFormatException>(() => CsvReader.Read(path));

        Assert.Equal(path, fault.FilePath);
        Assert.Contains("damaged or cut short", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_ThrowsFileNotFound()
    {
        using var directory = new TemporaryDirectory();

        Assert.Throws<FileNotFoundException>(() => CsvReader.Read(directory.File("absent.csv")));
    }

    [Fact]
    public void Read_SharedIrisWithLabel_Gives150RowsOf4Features()
    {
        string path = SharedData.PathOf("iris.csv");

        CsvTable table = CsvReader.Read(path, new CsvReadOptions { LabelColumn = -1 });

        Assert.True(table.Values.HasShape(150, 4));
        Assert.Equal([0f, 1f, 2f], table.Labels!.Distinct().Order());
        Assert.Equal(5.1f, table.Values[0, 0]);
    }
}
