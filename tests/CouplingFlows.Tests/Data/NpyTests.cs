using System.Buffers.Binary;
using System.Text;

using CouplingFlows.Data;
using CouplingFlows.Numerics;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class NpyTests
{
    /// <summary>A .npy file with the given header entries and raw data, in format version major.0.</summary>
    private static byte[] NpyBytes(string descr, string shape, byte[] data, bool fortran = false, byte major = 1)
    {
        string order = fortran ? "True" : "False";
        string dictionary = $"{{'descr': '{descr}', 'fortran_order': {order}, 'shape': {shape}, }}\n";
        int lengthSize = major == 1 ? 2 : 4;
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.Add(major);
        bytes.Add(0);
        byte[] length = new byte[lengthSize];
        if (lengthSize == 2)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)dictionary.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)dictionary.Length);
        }

        bytes.AddRange(length);
        bytes.AddRange(Encoding.ASCII.GetBytes(dictionary));
        bytes.AddRange(data);

        return [.. bytes];
    }

    private static byte[] Bytes<T>(T[] values, Func<T, byte[]> encode) => [.. values.SelectMany(encode)];

    private static DataFormatException ReadFault(byte[] content)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteBytes("array.npy", content);

        return Assert.Throws<DataFormatException>(() => NpyReader.Read(path));
    }

    private static Tensor ReadBytes(byte[] content)
    {
        using var directory = new TemporaryDirectory();
        string path = directory.WriteBytes("array.npy", content);

        return NpyReader.Read(path);
    }

    [Fact]
    public void Write_ThenRead_RoundTripsShapeAndBits()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("values.npy");
        var random = new RandomSource(11);
        var values = new Tensor(5, 3);
        random.FillGaussian(values.Data, 100f);

        NpyWriter.Write(path, values);
        Tensor read = NpyReader.Read(path);

        Assert.True(read.HasShape(5, 3));
        Assert.Equal(values.Data, read.Data);
    }

    [Fact]
    public void Write_Header_IsAlignedTo64BytesAndDescribesFloat32()
    {
        using var directory = new TemporaryDirectory();
        string path = directory.File("values.npy");

        NpyWriter.Write(path, new Tensor(2, 3));
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        string header = Encoding.ASCII.GetString(bytes, 10, headerLength);

        Assert.Equal(0, (10 + headerLength) % 64);
        Assert.Equal(10 + headerLength + (6 * 4), bytes.Length);
        const string expected = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        Assert.StartsWith(expected, header, StringComparison.Ordinal);
        Assert.EndsWith("\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_OneDimensionalArray_GivesOneColumn()
    {
        byte[] content = NpyBytes("<f4", "(3,)", Bytes([1f, 2f, 3f], BitConverter.GetBytes));

        Tensor values = ReadBytes(content);

        Assert.True(values.HasShape(3, 1));
        Assert.Equal([1f, 2f, 3f], values.Data);
    }

    [Fact]
    public void Read_FourDimensionalArray_FlattensAfterFirstDimension()
    {
        byte[] content = NpyBytes("|u1", "(2, 1, 2, 2)", [0, 1, 2, 3, 4, 5, 6, 255]);

        Tensor values = ReadBytes(content);

        Assert.True(values.HasShape(2, 4));
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f, 6f, 255f], values.Data);
    }

    [Fact]
    public void Read_Float64_ConvertsToFloat32()
    {
        byte[] content = NpyBytes("<f8", "(1, 2)", Bytes([0.1, -2.5], BitConverter.GetBytes));

        Tensor values = ReadBytes(content);

        Assert.Equal([0.1f, -2.5f], values.Data);
    }

    [Fact]
    public void Read_Int32AndInt64_ConvertToFloat32()
    {
        byte[] int32 = NpyBytes("<i4", "(2,)", Bytes([-7, 40000], BitConverter.GetBytes));
        byte[] int64 = NpyBytes("<i8", "(2,)", Bytes([-7L, 1L << 40], BitConverter.GetBytes));

        Tensor fromInt32 = ReadBytes(int32);
        Tensor fromInt64 = ReadBytes(int64);

        Assert.Equal([-7f, 40000f], fromInt32.Data);
        Assert.Equal([-7f, 1099511627776f], fromInt64.Data);
    }

    [Fact]
    public void Read_BooleansAndBigEndianFloats_Convert()
    {
        byte[] booleans = NpyBytes("|b1", "(3,)", [1, 0, 1]);
        byte[] bigEndian = NpyBytes(">f4", "(1,)", [0x3f, 0xc0, 0x00, 0x00]);

        Tensor fromBooleans = ReadBytes(booleans);
        Tensor fromBigEndian = ReadBytes(bigEndian);

        Assert.Equal([1f, 0f, 1f], fromBooleans.Data);
        Assert.Equal([1.5f], fromBigEndian.Data);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Read_FormatVersion2And3_ReadsFourByteHeaderLength(byte major)
    {
        byte[] content = NpyBytes("<f4", "(2,)", Bytes([4f, 5f], BitConverter.GetBytes), major: major);

        Tensor values = ReadBytes(content);

        Assert.Equal([4f, 5f], values.Data);
    }

    [Fact]
    public void Read_FortranOrder_ThrowsSayingOnlyCOrderIsRead()
    {
        byte[] content = NpyBytes("<f4", "(1, 1)", new byte[4], fortran: true);

        DataFormatException fault = ReadFault(content);

        Assert.Contains("Fortran (column-major) order", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BadMagic_ThrowsNotANpyFile()
    {
        byte[] content = Encoding.ASCII.GetBytes("just some text that is long enough");

        DataFormatException fault = ReadFault(content);

        Assert.Contains("not a NumPy .npy file", fault.Message, StringComparison.Ordinal);
        Assert.EndsWith("array.npy", fault.FilePath, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ZipArchive_ThrowsSuggestingToExtract()
    {
        byte[] content = [(byte)'P', (byte)'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0];

        DataFormatException fault = ReadFault(content);

        Assert.Contains("zip archive (perhaps a .npz)", fault.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<c8")]
    [InlineData("<U5")]
    [InlineData("<f3")]
    public void Read_UnsupportedDtype_ThrowsNamingIt(string descr)
    {
        byte[] content = NpyBytes(descr, "(1,)", new byte[8]);

        DataFormatException fault = ReadFault(content);

        Assert.Contains($"the dtype '{descr}' is not supported", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedData_ThrowsWithExpectedAndActualLengths()
    {
        byte[] content = NpyBytes("<f4", "(2, 3)", new byte[20]);

        DataFormatException fault = ReadFault(content);

        Assert.Contains("cut short", fault.Message, StringComparison.Ordinal);
        Assert.Contains("needs 24 bytes of data but only 20 follow", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TrailingBytes_Throws()
    {
        byte[] content = NpyBytes("<f4", "(1,)", new byte[6]);

        DataFormatException fault = ReadFault(content);

        Assert.Contains("2 bytes more than shape (1,)", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TruncatedHeader_Throws()
    {
        byte[] content = NpyBytes("<f4", "(1,)", new byte[4])[..30];

        DataFormatException fault = ReadFault(content);

        Assert.Contains("cut short inside its header", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NaNValue_ThrowsNamingRowAndColumn()
    {
        byte[] content = NpyBytes("<f4", "(2, 2)", Bytes([1f, 2f, 3f, float.NaN], BitConverter.GetBytes));

        DataFormatException fault = ReadFault(content);

        Assert.Equal((2, 2), (fault.Row, fault.Column));
        Assert.Contains(
            "row 2, column 2: the value NaN is not a finite float32", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Float64BeyondFloat32Range_Throws()
    {
        byte[] content = NpyBytes("<f8", "(1,)", BitConverter.GetBytes(1e300));

        DataFormatException fault = ReadFault(content);

        Assert.Equal((1, 1), (fault.Row, fault.Column));
    }

    [Fact]
    public void Read_Scalar_ThrowsNeedingADimension()
    {
        byte[] content = NpyBytes("<f4", "()", new byte[4]);

        DataFormatException fault = ReadFault(content);

        Assert.Contains("scalar", fault.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MalformedHeader_Throws()
    {
        byte[] content = NpyBytes("<f4", "(1, x)", new byte[4]);

        DataFormatException fault = ReadFault(content);

        Assert.Contains(".npy header is malformed", fault.Message, StringComparison.Ordinal);
    }
}
