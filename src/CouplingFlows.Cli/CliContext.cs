namespace CouplingFlows.Cli;

/// <summary>What every command needs from its surroundings: where to write and when to stop.</summary>
/// <param name="Output">Results only (CSV, tables, metrics), so they can be piped.</param>
/// <param name="Error">Progress, notes and error messages.</param>
/// <param name="Interactive">Whether stderr is a terminal that can show a progress bar.</param>
/// <param name="Cancellation">Signalled by Ctrl-C.</param>
public sealed record CliContext(
    TextWriter Output, TextWriter Error, bool Interactive, CancellationToken Cancellation);
