namespace CouplingFlows.Cli.Progress;

/// <summary>How training progress is shown on stderr.</summary>
internal enum ProgressMode
{
    /// <summary>A bar on a terminal, lines when redirected.</summary>
    Auto,

    /// <summary>A live progress bar.</summary>
    Bar,

    /// <summary>One structured line per milestone (every 10 % or 30 s).</summary>
    Lines,

    /// <summary>Nothing.</summary>
    None,
}
