using System.Globalization;
using System.Text;

namespace CouplingFlows.Data;

/// <summary>
/// Thrown when a data file (CSV, NumPy .npy, IDX) cannot be read as numbers: the message names the
/// file and, where they apply, the line and column of the fault.
/// </summary>
/// <remarks>
/// <para>The message has the form "digits.csv, line 3, column 2: 'abc' is not a number.", with the
/// location parts that do not apply left out.</para>
/// <para><see cref="Row"/> is 1-based. For text files it is the physical line number in the file: a
/// header, when present, is line 1 and blank lines count too, so the number is the one an editor
/// shows, and the message says "line". For binary arrays (.npy) it is the 1-based row of the
/// (rows, columns) view, and the message says "row". <see cref="Column"/> is 1-based and counts
/// every column of the file, including dropped and label columns.</para>
/// </remarks>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates an exception with a generic message and no location.</summary>
    public DataFormatException()
        : base("The data could not be read.")
    {
    }

    /// <summary>Creates an exception with the given message and no location.</summary>
    /// <param name="message">The full message.</param>
    public DataFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause, and no location.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="innerException">The error that caused this one.</param>
    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception whose message starts with the file, line and column.</summary>
    /// <param name="reason">What is wrong, as one or two sentences ending with a period.</param>
    /// <param name="filePath">The file or source name, or null when unknown.</param>
    /// <param name="row">The 1-based line (text) or row (binary array), or null.</param>
    /// <param name="column">The 1-based column, or null.</param>
    /// <param name="innerException">The error that caused this one, or null.</param>
    public DataFormatException(
        string reason, string? filePath, int? row, int? column, Exception? innerException = null)
        : this(reason, filePath, row, column, "line", innerException)
    {
    }

    /// <summary>Creates an exception whose location names a row of a binary array, not a text line.</summary>
    internal DataFormatException(
        string reason, string? filePath, int? row, int? column, string rowLabel, Exception? innerException)
        : base(Compose(reason, filePath, row, column, rowLabel), innerException)
    {
        FilePath = filePath;
        Row = row;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file or source name the fault is in, as the caller gave it; null when unknown.</summary>
    public string? FilePath { get; }

    /// <summary>
    /// The 1-based line of a text file (the header, if any, is line 1), or the 1-based row of a
    /// binary array; null when the fault is not tied to one row.
    /// </summary>
    public int? Row { get; }

    /// <summary>The 1-based column, counting every column of the file; null when not tied to one.</summary>
    public int? Column { get; }

    /// <summary>What is wrong, without the location prefix; equals the message when no location was given.</summary>
    public string? Reason { get; }

    /// <summary>Creates an exception naming a 1-based row and column of a binary array.</summary>
    internal static DataFormatException AtArrayCell(string reason, string? filePath, int row, int column) =>
        new(reason, filePath, row, column, "row", null);

    private static string Compose(string reason, string? filePath, int? row, int? column, string rowLabel)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var prefix = new StringBuilder();
        if (filePath is not null)
        {
            prefix.Append(filePath);
        }

        if (row is not null)
        {
            prefix.Append(prefix.Length > 0 ? ", " : string.Empty);
            prefix.Append(CultureInfo.InvariantCulture, $"{rowLabel} {row}");
        }

        if (column is not null)
        {
            prefix.Append(prefix.Length > 0 ? ", " : string.Empty);
            prefix.Append(CultureInfo.InvariantCulture, $"column {column}");
        }

        return prefix.Length == 0 ? reason : prefix.Append(": ").Append(reason).ToString();
    }
}
