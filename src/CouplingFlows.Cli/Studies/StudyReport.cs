namespace CouplingFlows.Cli.Studies;

/// <summary>Everything a study writes: its settings, its table, a few summary figures and its plot.</summary>
/// <param name="Name">The study's name, also the stem of its files (NAME.csv, NAME.json, NAME.png).</param>
/// <param name="Settings">The options the study ran with, for the JSON file.</param>
/// <param name="Table">The results, one row per measurement.</param>
/// <param name="Summary">Headline figures (fitted slopes, counts), printed after the table.</param>
/// <param name="Figure">Draws the PNG to the given path, or null for a study without one.</param>
internal sealed record StudyReport(
    string Name,
    IReadOnlyDictionary<string, object> Settings,
    StudyTable Table,
    IReadOnlyDictionary<string, object> Summary,
    Action<string>? Figure);
