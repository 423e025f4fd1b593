using System.Text;

namespace CouplingFlows.Data;

/// <summary>Reads delimited text (CSV, TSV, semicolon- or space-separated) into a float32 table.</summary>
/// <remarks>
/// <para>Numbers are parsed with the invariant culture: '.' is the decimal separator and exponents
/// such as 1e-3 are accepted; surrounding spaces and double quotes are ignored. Blank lines are
/// skipped but still counted, so error line numbers match an editor's.</para>
/// <para>Every fault is a <see cref="DataFormatException"/> naming the file and, where it applies,
/// the 1-based line (the header, if any, is line 1) and the 1-based column: a cell that is not a
/// number, an empty cell or missing-value marker (NA, N/A, null, None, ?), NaN or infinity (unless
/// <see cref="CsvReadOptions.AllowNonFinite"/>), a number beyond the float32 range, a row with a
/// different number of cells than the first line, an unclosed quote, a file with no lines, and a
/// file with a header but no data rows.</para>
/// </remarks>
public static class CsvReader
{
    /// <summary>Reads a delimited text file, gzip-compressed or not.</summary>
    /// <param name="path">The file; gzip content (first bytes 1f 8b, as in a .csv.gz) is
    /// decompressed. Text is read as UTF-8 unless a byte-order mark says otherwise.</param>
    /// <param name="options">Delimiter, header, label and validation settings; null for the
    /// defaults (everything detected, no label column, NaN and infinity refused).</param>
    /// <returns>The values, shape (B, D), and the header when the file has one.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or the options are invalid.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The content is not a table of numbers; the message
    /// names the line and column.</exception>
    public static CsvTable Read(string path, CsvReadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        CsvReadOptions checkedOptions = Validate(options);

        try
        {
            using Stream stream = DataFile.OpenRead(path);
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            return CsvParser.Parse(reader, path, checkedOptions);
        }
        catch (InvalidDataException exception)
        {
            throw DataFile.DamagedGzip(path, exception);
        }
    }

    /// <summary>Reads delimited text from a reader.</summary>
    /// <param name="reader">The text; read to its end, not disposed.</param>
    /// <param name="sourceName">The name used in error messages, for example a file name.</param>
    /// <param name="options">Delimiter, header, label and validation settings; null for the defaults.</param>
    /// <returns>The values, shape (B, D), and the header when the text has one.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reader"/> or
    /// <paramref name="sourceName"/> is null.</exception>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="DataFormatException">The content is not a table of numbers; the message
    /// names the line and column.</exception>
    public static CsvTable Read(TextReader reader, string sourceName, CsvReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        CsvReadOptions checkedOptions = Validate(options);

        return CsvParser.Parse(reader, sourceName, checkedOptions);
    }

    private static CsvReadOptions Validate(CsvReadOptions? options)
    {
        options ??= new CsvReadOptions();
        if (options.Delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException(
                $"The delimiter cannot be a double quote or a line break; got U+{(int)options.Delimiter:X4}.",
                nameof(options));
        }

        return options;
    }
}
