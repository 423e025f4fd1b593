using CouplingFlows.Numerics;

namespace CouplingFlows.Data;

/// <summary>The numbers read from a delimited text file by <see cref="CsvReader"/>.</summary>
public sealed class CsvTable
{
    internal CsvTable(
        Tensor values, IReadOnlyList<string>? header, float[]? labels, string? labelName, char delimiter)
    {
        Values = values;
        Header = header;
        Labels = labels;
        LabelName = labelName;
        Delimiter = delimiter;
    }

    /// <summary>The feature values, shape (B, D): one row per data line, one column per kept
    /// column, in file order, without the label and dropped columns.</summary>
    public Tensor Values { get; }

    /// <summary>The names of the D kept columns, or null when the file has no header.</summary>
    public IReadOnlyList<string>? Header { get; }

    /// <summary>The B values of the label column, or null when no label column was asked for.</summary>
    public float[]? Labels { get; }

    /// <summary>The header name of the label column, or null.</summary>
    public string? LabelName { get; }

    /// <summary>The delimiter used, as given or as detected.</summary>
    public char Delimiter { get; }
}
