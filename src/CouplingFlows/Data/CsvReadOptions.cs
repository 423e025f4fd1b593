namespace CouplingFlows.Data;

/// <summary>How <see cref="CsvReader"/> splits, labels and validates a delimited text file.</summary>
/// <remarks>
/// Column indices in these options are 0-based, as everywhere in the API; error messages count
/// columns from 1, as an editor or spreadsheet does.
/// </remarks>
public sealed record CsvReadOptions
{
    /// <summary>
    /// The cell separator, or null to detect it from the first non-blank line: a tab if it has one,
    /// else ';' if it has one, else ',' if it has one, else a run of spaces (as numpy.savetxt
    /// writes).
    /// </summary>
    /// <remarks>A space delimiter treats any run of spaces as one separator and ignores leading and
    /// trailing spaces. The delimiter cannot be a double quote or a line break.</remarks>
    public char? Delimiter { get; init; }

    /// <summary>
    /// True when the first non-blank line is a header, false when it is data, null to detect: the
    /// line is a header when one of its cells is neither a number, nor NaN or infinity, nor a
    /// missing-value marker.
    /// </summary>
    /// <remarks>A header of purely numeric names ("1,2,3") is taken for data unless this is true.</remarks>
    public bool? HasHeader { get; init; }

    /// <summary>
    /// The 0-based index of a numeric label column to take out of <see cref="CsvTable.Values"/> and
    /// return in <see cref="CsvTable.Labels"/>; negative counts from the end
    /// (−1 is the last column); null for none.
    /// </summary>
    public int? LabelColumn { get; init; }

    /// <summary>0-based indices of columns to skip without parsing (for example an id or a text
    /// column); negative counts from the end; null or empty for none.</summary>
    public IReadOnlyList<int>? DropColumns { get; init; }

    /// <summary>
    /// Whether NaN and ±infinity are accepted as values; false (the default) refuses them with an
    /// error naming the cell.
    /// </summary>
    /// <remarks>Accepted spellings, case-insensitive: NaN, Infinity, Inf, each with an optional
    /// sign. Missing-value markers (an empty cell, NA, N/A, null, None) are refused either
    /// way.</remarks>
    public bool AllowNonFinite { get; init; }
}
