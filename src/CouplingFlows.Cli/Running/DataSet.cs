using CouplingFlows.Flows;
using CouplingFlows.Numerics;

namespace CouplingFlows.Cli.Running;

/// <summary>A data set ready for a run: its rows, how it is split and how it is preprocessed.</summary>
/// <param name="Name">What the user asked for (a bundled name or a file name).</param>
/// <param name="Train">Training rows (validation is taken from these).</param>
/// <param name="Test">Held-out test rows.</param>
/// <param name="Levels">For discrete data, the number of levels L (values 0..L−1); else null.</param>
/// <param name="Preprocessing">The preprocessing a flow on these data should use by default.</param>
/// <param name="ImageShape">(C, H, W) when each row is an image, else null.</param>
/// <param name="ColumnNames">Column names for CSV output, or null.</param>
internal sealed record DataSet(
    string Name,
    Tensor Train,
    Tensor Test,
    int? Levels,
    PreprocessingKind Preprocessing,
    int[]? ImageShape,
    IReadOnlyList<string>? ColumnNames)
{
    /// <summary>D.</summary>
    public int Features => Train.RowLength;
}
