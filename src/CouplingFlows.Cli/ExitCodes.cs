namespace CouplingFlows.Cli;

/// <summary>The documented exit codes of coupling-flows.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>A usage error: an unknown option, a bad option value, a run folder that exists, an option
    /// that --resume cannot take.</summary>
    public const int Usage = 1;

    /// <summary>Bad input data or a damaged or foreign model file.</summary>
    public const int BadInput = 2;

    /// <summary>Training failed (the loss diverged) or a check did not pass.</summary>
    public const int Failed = 3;

    /// <summary>Cancelled by the user (Ctrl-C or SIGTERM); train writes its checkpoint first.</summary>
    public const int Cancelled = 130;
}
