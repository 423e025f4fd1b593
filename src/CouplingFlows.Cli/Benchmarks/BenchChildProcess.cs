using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;

namespace CouplingFlows.Cli.Benchmarks;

/// <summary>
/// Runs one configuration of a multi-configuration benchmark in a fresh process of this program, so
/// that its peak working set is its own (a process's peak never goes down) and no configuration
/// inherits another's JIT state, heap or threads.
/// </summary>
internal static partial class BenchChildProcess
{
    private const int SetParentDeathSignal = 1;
    private const int KillSignal = 9;
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
        EventHandler killOnExit = (_, _) => Kill(child);
        AppDomain.CurrentDomain.ProcessExit += killOnExit;
        try
        {
            child.OutputDataReceived += (_, line) => Forward(line.Data, context.Output);
            child.ErrorDataReceived += (_, line) => Forward(line.Data, context.Error);
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
            using (context.Cancellation.Register(() => Kill(child)))
            {
                child.WaitForExit();
            }
        }
        finally
        {
            AppDomain.CurrentDomain.ProcessExit -= killOnExit;
        }

        context.Cancellation.ThrowIfCancellationRequested();

        return child.ExitCode;
    }

    /// <summary>
    /// Called by a child at its start: on Linux, asks the kernel to end it if the parent ends first, so a
    /// parent killed outright (or interrupted between its own checks) leaves no benchmark running.
    /// </summary>
    public static void DieWithParent()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SetProcessControl(SetParentDeathSignal, KillSignal, 0, 0, 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "prctl")]
    private static partial int SetProcessControl(int option, nuint arg2, nuint arg3, nuint arg4, nuint arg5);

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
