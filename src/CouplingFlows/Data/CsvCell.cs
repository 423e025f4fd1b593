namespace CouplingFlows.Data;

/// <summary>What a trimmed CSV cell holds.</summary>
internal enum CsvCellKind
{
    /// <summary>A finite float32 number.</summary>
    Number,

    /// <summary>A spelling of NaN or ±infinity.</summary>
    NonFinite,

    /// <summary>A finite number too large for float32.</summary>
    OutOfRange,

    /// <summary>An empty cell or a missing-value marker.</summary>
    Missing,

    /// <summary>Anything else: a name in a header, or a fault in data.</summary>
    Text,
}

/// <summary>Classifies and parses one CSV cell without allocating.</summary>
internal static class CsvCell
{
    /// <summary>The longest cell text quoted back in an error message.</summary>
    private const int MaxQuotedLength = 40;

    private static readonly string[] MissingMarkers = ["NA", "N/A", "null", "None", "?"];

    /// <summary>Parses the cell as invariant-culture float32 and says what kind of content it has.</summary>
    public static CsvCellKind Classify(ReadOnlySpan<char> cell, out float value)
    {
        ReadOnlySpan<char> text = cell.Trim();
        if (text.IsEmpty)
        {
            value = 0f;
            return CsvCellKind.Missing;
        }

        if (DecimalParser.TryParse(text, out value))
        {
            if (float.IsFinite(value))
            {
                return CsvCellKind.Number;
            }

            return ContainsDigit(text) ? CsvCellKind.OutOfRange : CsvCellKind.NonFinite;
        }

        if (TryParseNonFiniteWord(text, out value))
        {
            return CsvCellKind.NonFinite;
        }

        foreach (string marker in MissingMarkers)
        {
            if (text.Equals(marker, StringComparison.OrdinalIgnoreCase))
            {
                return CsvCellKind.Missing;
            }
        }

        return CsvCellKind.Text;
    }

    /// <summary>The reason text for a cell that is not accepted as a value.</summary>
    public static string DescribeFault(ReadOnlySpan<char> cell, CsvCellKind kind)
    {
        string shown = Quote(cell.Trim());
        return kind switch
        {
            CsvCellKind.Missing when cell.Trim().IsEmpty => "the cell is empty; every cell needs a number.",
            CsvCellKind.Missing => $"{shown} marks a missing value; every cell needs a number.",
            CsvCellKind.NonFinite => $"{shown} is not a finite number; NaN and infinity are refused by default.",
            CsvCellKind.OutOfRange => $"{shown} is outside the float32 range (magnitude up to about 3.4e38).",
            _ when cell.Contains(',') => $"{shown} is not a number; use '.' as the decimal separator.",
            _ => $"{shown} is not a number.",
        };
    }

    private static string Quote(ReadOnlySpan<char> text)
    {
        return text.Length <= MaxQuotedLength
            ? $"'{text}'"
            : $"'{text[..MaxQuotedLength]}…'";
    }

    private static bool ContainsDigit(ReadOnlySpan<char> text)
    {
        foreach (char c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads NaN, Inf and Infinity in any letter case, with an optional sign.</summary>
    private static bool TryParseNonFiniteWord(ReadOnlySpan<char> text, out float value)
    {
        bool negative = text[0] == '-';
        ReadOnlySpan<char> word = text[0] is '-' or '+' ? text[1..] : text;
        if (word.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = float.NaN;
            return true;
        }

        if (word.Equals("inf", StringComparison.OrdinalIgnoreCase)
            || word.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? float.NegativeInfinity : float.PositiveInfinity;
            return true;
        }

        value = 0f;
        return false;
    }
}
