using System.Runtime.InteropServices;

namespace CouplingFlows.Cli;

/// <summary>The entry point of the coupling-flows command.</summary>
public static class Program
{
    private static int _stopRequests;

    /// <summary>Runs the command line; Ctrl-C (SIGINT) or SIGTERM cancels the running command cleanly.</summary>
    /// <remarks>The first signal cancels: training stops after its current step, writes its checkpoint and
    /// run folder, and the process exits with 130. A second signal ends the process at once, as the
    /// signal normally would; files written so far stay whole, since every write is atomic.</remarks>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static int Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => e.Cancel = FirstStopRequest(cancellation);
        using PosixSignalRegistration? terminate =
            OnTerminate(signal => signal.Cancel = FirstStopRequest(cancellation));
        var context = new CliContext(
            Console.Out, Console.Error, Interactive: !Console.IsErrorRedirected, cancellation.Token);

        return CliApplication.Run(args, context);
    }

    /// <summary>Handles SIGTERM where the platform delivers it; null where it does not.</summary>
    private static PosixSignalRegistration? OnTerminate(Action<PosixSignalContext> handler)
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGTERM, handler);
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Cancels on the first request and returns true (keep running); false on later ones.</summary>
    private static bool FirstStopRequest(CancellationTokenSource cancellation)
    {
        if (Interlocked.Increment(ref _stopRequests) > 1)
        {
            return false;
        }

        cancellation.Cancel();
        return true;
    }
}
