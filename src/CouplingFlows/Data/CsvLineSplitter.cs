namespace CouplingFlows.Data;

/// <summary>Where one cell lies in a line: its content without surrounding quotes.</summary>
internal readonly record struct CsvCellRange(int Start, int Length);

/// <summary>Splits one line of delimited text into cell ranges, honouring double-quoted cells.</summary>
/// <remarks>
/// A quoted cell may hold the delimiter and doubled quotes (""); it cannot span lines. With a space
/// delimiter a run of spaces separates two cells and leading or trailing spaces are ignored.
/// </remarks>
internal static class CsvLineSplitter
{
    /// <summary>The value returned when the line splits cleanly.</summary>
    public const int Success = -1;

    /// <summary>Fills <paramref name="cells"/> with the cells of the line.</summary>
    /// <returns><see cref="Success"/>, or the 0-based index of a cell whose quotes are malformed.</returns>
    public static int Split(string line, char delimiter, List<CsvCellRange> cells)
    {
        cells.Clear();
        bool collapse = delimiter == ' ';
        int position = collapse ? SkipSpaces(line, 0) : 0;
        if (collapse && position == line.Length)
        {
            return Success;
        }

        while (true)
        {
            int next = SkipSpaces(line, position);
            int end = next < line.Length && line[next] == '"'
                ? SplitQuoted(line, next, cells)
                : SplitPlain(line, position, delimiter, cells);
            if (end < 0)
            {
                return cells.Count - 1;
            }

            if (collapse)
            {
                end = SkipSpaces(line, end);
                if (end == line.Length)
                {
                    return Success;
                }

                position = end;
                continue;
            }

            if (end == line.Length)
            {
                return Success;
            }

            if (line[end] != delimiter)
            {
                return cells.Count - 1;
            }

            position = end + 1;
        }
    }

    /// <summary>The text of a cell with surrounding quotes removed and doubled quotes undone.</summary>
    public static string Text(string line, CsvCellRange range)
    {
        return line.Substring(range.Start, range.Length).Replace("\"\"", "\"", StringComparison.Ordinal).Trim();
    }

    private static int SplitPlain(string line, int start, char delimiter, List<CsvCellRange> cells)
    {
        int end = line.IndexOf(delimiter, start);
        if (end < 0)
        {
            end = line.Length;
        }

        cells.Add(new CsvCellRange(start, end - start));

        return end;
    }

    /// <returns>The position after the closing quote and any spaces, or −1 when the quote is not closed.</returns>
    private static int SplitQuoted(string line, int openQuote, List<CsvCellRange> cells)
    {
        int position = openQuote + 1;
        while (position < line.Length)
        {
            if (line[position] != '"')
            {
                position++;
            }
            else if (position + 1 < line.Length && line[position + 1] == '"')
            {
                position += 2;
            }
            else
            {
                cells.Add(new CsvCellRange(openQuote + 1, position - openQuote - 1));
                return SkipSpaces(line, position + 1);
            }
        }

        cells.Add(new CsvCellRange(openQuote + 1, line.Length - openQuote - 1));

        return -1;
    }

    private static int SkipSpaces(string line, int position)
    {
        while (position < line.Length && line[position] == ' ')
        {
            position++;
        }

        return position;
    }
}
