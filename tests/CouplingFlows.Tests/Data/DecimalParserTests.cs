using System.Globalization;
using System.Text;

using CouplingFlows.Data;
using CouplingFlows.Numerics;

using Xunit;

namespace CouplingFlows.Tests.Data;

public class DecimalParserTests
{
    private static int Bits(float value) => BitConverter.SingleToInt32Bits(value);

    private static float Reference(string text) => float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("+1.5")]
    [InlineData(".5")]
    [InlineData("7.")]
    [InlineData("1e-3")]
    [InlineData("2.5E+10")]
    [InlineData("0.003921569")]
    [InlineData("16777217")]
    [InlineData("3.4028235e38")]
    [InlineData("1e-40")]
    [InlineData("12345678901234567890123")]
    [InlineData("1.00000005960464477539062500001")]
    public void TryParse_KnownText_MatchesFloatParseBitForBit(string text)
    {
        bool parsed = DecimalParser.TryParse(text, out float value);

        Assert.True(parsed);
        Assert.Equal(Bits(Reference(text)), Bits(value));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("-")]
    [InlineData("1e")]
    [InlineData("1.2.3")]
    [InlineData("0x10")]
    [InlineData("1,5")]
    public void TryParse_NotANumber_ReturnsFalse(string text)
    {
        bool parsed = DecimalParser.TryParse(text, out _);

        Assert.False(parsed);
    }

    [Fact]
    public void TryParse_ShortestTextOfRandomFloats_RoundTripsEveryBit()
    {
        var random = new RandomSource(21);
        int mismatches = 0;

        for (int i = 0; i < 200_000; i++)
        {
            float expected = BitConverter.Int32BitsToSingle((int)random.NextUInt64());
            if (!float.IsFinite(expected))
            {
                continue;
            }

            bool parsed = DecimalParser.TryParse(expected.ToString(CultureInfo.InvariantCulture), out float value);
            mismatches += parsed && Bits(value) == Bits(expected) ? 0 : 1;
        }

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void TryParse_RandomDecimalText_AgreesWithFloatParse()
    {
        var random = new RandomSource(22);
        var text = new StringBuilder();
        int mismatches = 0;

        for (int i = 0; i < 200_000; i++)
        {
            text.Clear();
            int digits = 1 + random.NextInt(20);
            int point = random.NextInt(digits + 1) - 1;
            text.Append(random.NextInt(4) == 0 ? "-" : string.Empty);
            for (int j = 0; j < digits; j++)
            {
                text.Append(j == point ? "." : string.Empty).Append((char)('0' + random.NextInt(10)));
            }

            string exponent = FormattableString.Invariant($"e{random.NextInt(90) - 45}");
            text.Append(random.NextInt(3) == 0 ? exponent : string.Empty);
            string candidate = text.ToString();
            bool parsed = DecimalParser.TryParse(candidate, out float value);
            mismatches += parsed && Bits(value) == Bits(Reference(candidate)) ? 0 : 1;
        }

        Assert.Equal(0, mismatches);
    }
}
