using System.Globalization;

namespace CouplingFlows.Data;

/// <summary>Parses invariant-culture decimal text to float32, exactly as float.TryParse does, but
/// several times faster for the short numbers of typical data files.</summary>
/// <remarks>
/// <para>Fast path (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990,
/// <see href="https://doi.org/10.1145/93542.93557"/>): the text is w · 10^e with an integer
/// significand w ≤ 2⁵³ and |e| ≤ 22, so w and 10^|e| are exact doubles and one multiplication or
/// division gives the correctly rounded double d of the decimal.</para>
/// <para>Rounding d to float32 then equals rounding the decimal itself unless d lies exactly on a
/// halfway point between two floats (its low 29 significand bits are 1 followed by 28 zeros): a
/// decimal on one side of such a point cannot round to a double on the other side. Those rare
/// cases, subnormal and overflowing results and every other spelling (NaN, Infinity, over 19
/// digits) go to float.TryParse.</para>
/// </remarks>
internal static class DecimalParser
{
    private const int MaxExactPower = 22;
    private const int MaxSignificantDigits = 19;
    private const ulong MaxExactSignificand = 1UL << 53;
    private const long HalfwayMask = (1L << 29) - 1;
    private const long HalfwayBits = 1L << 28;
    private const double SmallestNormalSingle = 1.1754943508222875e-38;

    private static readonly double[] PowersOfTen = CreatePowersOfTen();

    /// <summary>Parses the whole span, with float.TryParse's NumberStyles.Float rules.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out float value)
    {
        return TryParseFast(text, out value)
            || float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private static bool TryParseFast(ReadOnlySpan<char> text, out float value)
    {
        value = 0f;
        int position = 0;
        bool negative = text.Length > 0 && text[0] == '-';
        position += text.Length > 0 && text[0] is '-' or '+' ? 1 : 0;
        if (!TryReadSignificand(text, ref position, out ulong significand, out int exponent)
            || !TryReadExponent(text, ref position, ref exponent)
            || position != text.Length)
        {
            return false;
        }

        if (significand == 0)
        {
            value = negative ? -0f : 0f;
            return true;
        }

        if (significand > MaxExactSignificand || Math.Abs(exponent) > MaxExactPower)
        {
            return false;
        }

        double magnitude = exponent >= 0
            ? significand * PowersOfTen[exponent]
            : significand / PowersOfTen[-exponent];
        bool onHalfway = (BitConverter.DoubleToInt64Bits(magnitude) & HalfwayMask) == HalfwayBits;
        if (onHalfway || magnitude < SmallestNormalSingle || magnitude > float.MaxValue)
        {
            return false;
        }

        value = (float)(negative ? -magnitude : magnitude);
        return true;
    }

    /// <summary>Reads digits, an optional '.', and digits: the value is significand · 10^exponent.</summary>
    /// <returns>False when there is no digit or more than 19 significant digits.</returns>
    private static bool TryReadSignificand(
        ReadOnlySpan<char> text, ref int position, out ulong significand, out int exponent)
    {
        significand = 0;
        exponent = 0;
        int significantDigits = 0;
        int digitCount = 0;
        bool afterPoint = false;
        for (; position < text.Length; position++)
        {
            char c = text[position];
            if (c == '.' && !afterPoint)
            {
                afterPoint = true;
                continue;
            }

            if (!char.IsAsciiDigit(c))
            {
                break;
            }

            significand = (significand * 10) + (uint)(c - '0');
            significantDigits += significand == 0 ? 0 : 1;
            exponent -= afterPoint ? 1 : 0;
            digitCount++;
        }

        return digitCount > 0 && significantDigits <= MaxSignificantDigits;
    }

    /// <summary>Reads an optional e or E, a sign and at least one digit, adding the power to the exponent.</summary>
    private static bool TryReadExponent(ReadOnlySpan<char> text, ref int position, ref int exponent)
    {
        if (position == text.Length || text[position] is not ('e' or 'E'))
        {
            return true;
        }

        position++;
        bool negative = position < text.Length && text[position] == '-';
        position += position < text.Length && text[position] is '-' or '+' ? 1 : 0;
        int power = 0;
        int start = position;
        for (; position < text.Length && char.IsAsciiDigit(text[position]); position++)
        {
            power = Math.Min((power * 10) + (text[position] - '0'), 100_000);
        }

        exponent += negative ? -power : power;

        return position > start;
    }

    private static double[] CreatePowersOfTen()
    {
        double[] powers = new double[MaxExactPower + 1];
        powers[0] = 1.0;
        for (int i = 1; i < powers.Length; i++)
        {
            powers[i] = powers[i - 1] * 10.0;
        }

        return powers;
    }
}
