using System.Diagnostics;
using System.Reflection;

namespace CouplingFlows.Cli.Benchmarks;

/// <summary>
/// Runs one configuration of a multi-configuration benchmark in a fresh process of this program, so
/// that its peak working set is its own (a process's peak never goes down) and no configuration
/// inherits another's JIT state, heap or threads.
/// </summary>
internal static class BenchChildProcess
{
    /// <summary>The command that starts this program again, or null when it cannot be found (for
    /// example when the CLI runs inside a test host); the caller then measures in-process.</summary>
    public static (string FileName, string[] Prefix)? SelfCommand()
    {
        string? host = Environment.ProcessPath;
        Assembly? entry = Assembly.GetEntryAssembly();
        if (host is null || entry is null || entry.GetName().Name != "coupling-flows")
        {
            return null;
        }

        string hostName = Path.GetFileNameWithoutExtension(host);
        return hostName.Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (host, [entry.Location])
            : (host, []);
    }

    /// <summary>Runs the child, copying its standard output and error lines as they come.</summary>
    /// <returns>The child's exit code.</returns>
    public static int Run(
        (string FileName, string[] Prefix) self, IEnumerable<string> arguments, CliContext context)
    {
        var start = new ProcessStartInfo(self.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in self.Prefix.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var child = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start {self.FileName}.");
        child.OutputDataReceived += (_, line) => Forward(line.Data, context.Output);
        child.ErrorDataReceived += (_, line) => Forward(line.Data, context.Error);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        using (context.Cancellation.Register(() => Kill(child)))
        {
            child.WaitForExit();
        }

        context.Cancellation.ThrowIfCancellationRequested();

        return child.ExitCode;
    }

    private static void Forward(string? line, TextWriter writer)
    {
        if (line is not null)
        {
            lock (writer)
            {
                writer.WriteLine(line);
            }
        }
    }

    private static void Kill(Process child)
    {
        try
        {
            child.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
    }
}
