using CouplingFlows.Cli;

namespace CouplingFlows.Tests.Cli;

/// <summary>Runs the command line in-process with captured stdout and stderr.</summary>
public static class CliRunner
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = CliApplication.Run(args, new CliContext(output, error, Interactive: false, CancellationToken.None));
        return (code, output.ToString(), error.ToString());
    }
}
