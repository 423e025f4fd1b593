using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CouplingFlows.Cli.Studies;

/// <summary>A table of study results: aligned text for stdout, CSV and JSON rows for files.</summary>
/// <remarks>Cells are strings, integers, doubles or booleans. Doubles print with 4 significant digits
/// on stdout and in full round-trip precision in CSV and JSON; NaN is written NaN in text and CSV
/// and null in JSON.</remarks>
internal sealed class StudyTable
{
    private readonly string[] _columns;
    private readonly List<object[]> _rows = [];

    public StudyTable(params string[] columns)
    {
        _columns = columns;
    }

    public IReadOnlyList<string> Columns => _columns;

    public IReadOnlyList<object[]> Rows => _rows;

    public void Add(params object[] cells)
    {
        if (cells.Length != _columns.Length)
        {
            throw new ArgumentException(
                $"A row has {cells.Length} cells but the table has {_columns.Length} columns.", nameof(cells));
        }

        _rows.Add(cells);
    }

    public void WriteText(TextWriter writer)
    {
        string[][] text = [.. _rows.Select(row => row.Select(Short).ToArray())];
        int[] widths = new int[_columns.Length];
        for (int c = 0; c < _columns.Length; c++)
        {
            widths[c] = Math.Max(_columns[c].Length, text.Select(r => r[c].Length).DefaultIfEmpty(0).Max());
        }

        writer.WriteLine(Line(_columns, widths));
        foreach (string[] row in text)
        {
            writer.WriteLine(Line(row, widths));
        }
    }

    public string ToCsv()
    {
        var builder = new StringBuilder();
        builder.Append(string.Join(',', _columns)).Append('\n');
        foreach (object[] row in _rows)
        {
            builder.Append(string.Join(',', row.Select(CsvCell))).Append('\n');
        }

        return builder.ToString();
    }

    public void WriteJsonRows(Utf8JsonWriter writer)
    {
        writer.WriteStartArray();
        foreach (object[] row in _rows)
        {
            writer.WriteStartObject();
            for (int c = 0; c < _columns.Length; c++)
            {
                writer.WritePropertyName(_columns[c]);
                WriteJsonValue(writer, row[c]);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static void WriteJsonValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case double d when !double.IsFinite(d):
                writer.WriteNullValue();
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case float f when !float.IsFinite(f):
                writer.WriteNullValue();
                break;
            case float f:
                writer.WriteNumberValue(f);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case IEnumerable<int> list:
                writer.WriteStartArray();
                foreach (int item in list)
                {
                    writer.WriteNumberValue(item);
                }

                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd();

    private static string Short(object cell) => cell switch
    {
        double d => Number(d),
        float f => Number(f),
        bool b => b ? "yes" : "no",
        _ => Convert.ToString(cell, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    /// <summary>Four significant digits, invariant culture, lower-case exponent: 1.234e-05.</summary>
    public static string Number(double value) =>
        value.ToString("G4", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    private static string CsvCell(object cell)
    {
        string text = cell switch
        {
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            _ => Convert.ToString(cell, CultureInfo.InvariantCulture) ?? string.Empty,
        };
        bool quote = text.AsSpan().IndexOfAny(",\"\n") >= 0;
        return quote ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
