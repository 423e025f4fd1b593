using System.Globalization;
using System.Text;

using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>Writes a tensor as comma-separated text that <see cref="CsvReader"/> reads back exactly.</summary>
/// <remarks>
/// <para>Values use the invariant culture and the shortest text that parses back to the same
/// float32 (so 0.1f is written 0.1); NaN and infinities are written NaN, Infinity and -Infinity.
/// Lines end with '\n'. Header names holding a comma, a quote or outer spaces are quoted, with
/// inner quotes doubled.</para>
/// <para>A header of purely numeric names is not detected when reading back: pass
/// <see cref="CsvReadOptions.HasHeader"/> = true then.</para>
/// </remarks>
public static class CsvWriter
{
    /// <summary>The longest text of one float32 in the shortest round-trip form, with margin.</summary>
    private const int MaxValueLength = 32;

    /// <summary>Writes the tensor to a file, replacing it atomically (temporary file, then rename).</summary>
    /// <param name="path">The destination; a name ending in .gz is written gzip-compressed.</param>
    /// <param name="values">The values, viewed as (B, D) with D = <see cref="Tensor.RowLength"/>.</param>
    /// <param name="header">D column names, or null for no header line.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="values"/>
    /// is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty, or the header does not
    /// have D names, or a name is null or holds a line break.</exception>
    /// <exception cref="IOException">The file cannot be written; an earlier file at the path is kept.</exception>
    public static void Write(string path, Tensor values, IReadOnlyList<string>? header = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Validate(values, header);

        DataFile.WriteAtomically(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
            WriteCore(writer, values, header);
        });
    }

    /// <summary>Writes the tensor as CSV text to a writer.</summary>
    /// <param name="writer">The destination; flushed, not disposed.</param>
    /// <param name="values">The values, viewed as (B, D) with D = <see cref="Tensor.RowLength"/>.</param>
    /// <param name="header">D column names, or null for no header line.</param>
    /// <exception cref="ArgumentNullException"><paramref name="writer"/> or
    /// <paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">The header does not have D names, or a name is null or
    /// holds a line break.</exception>
    public static void Write(TextWriter writer, Tensor values, IReadOnlyList<string>? header = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Validate(values, header);

        WriteCore(writer, values, header);
    }

    private static void Validate(Tensor values, IReadOnlyList<string>? header)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (header is null)
        {
            return;
        }

        if (header.Count != values.RowLength)
        {
            throw new ArgumentException(
                $"header has {header.Count} names but values has {values.RowLength} columns.", nameof(header));
        }

        for (int j = 0; j < header.Count; j++)
        {
            if (header[j] is null || header[j].AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                throw new ArgumentException(
                    $"header name {j} is null or holds a line break; names must fit on one line.",
                    nameof(header));
            }
        }
    }

    private static void WriteCore(TextWriter writer, Tensor values, IReadOnlyList<string>? header)
    {
        if (header is not null)
        {
            writer.Write(string.Join(',', header.Select(QuoteIfNeeded)));
            writer.Write('\n');
        }

        Span<char> text = stackalloc char[MaxValueLength];
        for (int i = 0; i < values.Rows; i++)
        {
            ReadOnlySpan<float> row = values.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                if (j > 0)
                {
                    writer.Write(',');
                }

                row[j].TryFormat(text, out int written, default, CultureInfo.InvariantCulture);
                writer.Write(text[..written]);
            }

            writer.Write('\n');
        }

        writer.Flush();
    }

    private static string QuoteIfNeeded(string name)
    {
        bool needsQuotes = name.AsSpan().IndexOfAny(',', '"') >= 0
            || (name.Length > 0 && (char.IsWhiteSpace(name[0]) || char.IsWhiteSpace(name[^1])));

        return needsQuotes ? "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : name;
    }
}
