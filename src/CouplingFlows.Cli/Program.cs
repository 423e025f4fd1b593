namespace CouplingFlows.Cli;

/// <summary>The entry point of the coupling-flows command.</summary>
public static class Program
{
    /// <summary>Runs the command line; Ctrl-C cancels the running command cleanly.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static int Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };
        var context = new CliContext(
            Console.Out, Console.Error, Interactive: !Console.IsErrorRedirected, cancellation.Token);

        return CliApplication.Run(args, context);
    }
}
