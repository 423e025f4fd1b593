using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using CouplingFlows.Cli;
using CouplingFlows.Serialization;
using CouplingFlows.Training;

namespace CouplingFlows.Tests.Cli;

/// <summary>train --checkpoint-every, Ctrl-C and --resume, end to end in-process.</summary>
public sealed class ResumeCliTests : IDisposable
{
    private static readonly string[] SmallRun =
    [
        "--data", "moons", "--layers", "2", "--hidden", "8", "--batch", "64",
        "--checkpoint-every", "25", "--seed", "4",
    ];

    private readonly string _folder = Directory.CreateTempSubdirectory("cflow-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Train_CancelledAfterStep30ThenResumed_WritesTheSameModelAsAnUninterruptedRun()
    {
        string whole = Path.Combine(_folder, "whole");
        string parts = Path.Combine(_folder, "parts");
        (int wholeCode, _, string wholeError) = CliRunner.Run(
            ["train", .. SmallRun, "--steps", "60", "--out", whole, "--progress", "none"]);

        // Cancel the way Ctrl-C does, as soon as the progress line of step 30 appears.
        (int cancelledCode, string cancelledError) = RunCancelledAt(
            "step=30/60", ["train", .. SmallRun, "--steps", "60", "--out", parts]);
        TrainingCheckpoint checkpoint = CheckpointFile.Load(Path.Combine(parts, "checkpoint.cflowck"));
        (int resumedCode, _, string resumedError) = CliRunner.Run("train", "--resume", parts, "--progress", "none");

        Assert.True(wholeCode == ExitCodes.Ok, wholeError);
        Assert.True(cancelledCode == ExitCodes.Cancelled, cancelledError);
        Assert.Contains("--resume", cancelledError, StringComparison.Ordinal);
        Assert.Equal(30, checkpoint.Step);
        Assert.Equal(StopReason.Cancelled, checkpoint.Outcome);
        Assert.True(resumedCode == ExitCodes.Ok, resumedError);
        Assert.Contains("at step 30 of 60", resumedError, StringComparison.Ordinal);
        Assert.Equal(
            File.ReadAllBytes(Path.Combine(whole, "model.cflow")),
            File.ReadAllBytes(Path.Combine(parts, "model.cflow")));
    }

    [Fact]
    public void TrainHelp_ListsTheCheckpointOptions()
    {
        (int code, string output, _) = CliRunner.Run("train", "--help");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("--checkpoint-every", output, StringComparison.Ordinal);
        Assert.Contains("--resume", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_Resume_WithARunDefiningOption_IsAUsageErrorNamingIt()
    {
        string run = TrainSmallRun("conflict", "--steps", "5");

        (int code, _, string error) = CliRunner.Run("train", "--resume", run, "--lr", "0.1", "--steps", "500");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--lr, --steps cannot be given", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_ResumeOfACompletedRun_ChangesNothingAndSaysSo()
    {
        string run = TrainSmallRun("done", "--steps", "5");
        Dictionary<string, byte[]> before = Snapshot(run);

        (int code, _, string error) = CliRunner.Run("train", "--resume", run);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("nothing to resume", error, StringComparison.Ordinal);
        AssertUnchanged(before, run);
    }

    [Fact]
    public void Train_ResumeAfterTheDataFileChanged_IsBadInput()
    {
        string csv = Path.Combine(_folder, "points.csv");
        File.WriteAllLines(csv, ["a,b", .. Enumerable.Range(0, 40).Select(i => $"{i % 7},{(i * i) % 11}")]);
        string run = Path.Combine(_folder, "changed");
        RunCancelledAt(
            "step=4/20",
            ["train", "--data", csv, "--layers", "1", "--hidden", "4", "--steps", "20", "--out", run]);
        File.AppendAllLines(csv, ["3,3"]);

        (int code, _, string error) = CliRunner.Run("train", "--resume", run);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("no longer holds the rows", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_ResumeAfterTheDataFileWasRemoved_IsBadInputNamingIt()
    {
        string csv = Path.Combine(_folder, "gone.csv");
        File.WriteAllLines(csv, ["a,b", .. Enumerable.Range(0, 40).Select(i => $"{i % 7},{(i * i) % 11}")]);
        string run = Path.Combine(_folder, "removed");
        RunCancelledAt(
            "step=4/20",
            ["train", "--data", csv, "--layers", "1", "--hidden", "4", "--steps", "20", "--out", run]);
        File.Delete(csv);

        (int code, _, string error) = CliRunner.Run("train", "--resume", run);

        Assert.Equal(ExitCodes.BadInput, code);
        Assert.Contains("gone.csv no longer exists", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_IntoAnExistingRunFolderWithoutForce_LeavesEveryFileUnchanged()
    {
        string run = TrainSmallRun("kept", "--steps", "5");
        Dictionary<string, byte[]> before = Snapshot(run);

        (int code, _, string error) = CliRunner.Run("train", "--data", "circles", "--steps", "3", "--out", run);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--force", error, StringComparison.Ordinal);
        AssertUnchanged(before, run);
    }

    [Fact]
    public void ModelCutToHalf_IsRefusedBySampleAndEvaluate_AndTheRunFolderIsUnchanged()
    {
        string run = TrainSmallRun("half", "--steps", "5");
        Dictionary<string, byte[]> before = Snapshot(run);
        byte[] model = before["model.cflow"];
        string cut = Path.Combine(_folder, "cut.cflow");
        File.WriteAllBytes(cut, model[..(model.Length / 2)]);
        string rows = Path.Combine(_folder, "rows.csv");
        File.WriteAllText(rows, "x,y\n0.1,0.2\n");

        (int sampleCode, string samples, string sampleError) = CliRunner.Run("sample", "--model", cut, "-n", "3");
        (int evaluateCode, _, string evaluateError) = CliRunner.Run("evaluate", "--model", cut, "--data", rows);

        Assert.Equal(ExitCodes.BadInput, sampleCode);
        Assert.Equal(string.Empty, samples);
        Assert.Contains("cut.cflow: damaged or truncated", sampleError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, evaluateCode);
        Assert.Contains("cut.cflow", evaluateError, StringComparison.Ordinal);
        AssertUnchanged(before, run);
    }

    [Fact]
    public async Task Train_Terminated_WritesACheckpointAndExitsWith130()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        string run = Path.Combine(_folder, "signal");
        using Process process = StartCli(
            "train", "--data", "moons", "--layers", "2", "--hidden", "8", "--steps", "1000000", "--out", run,
            "--progress", "lines");
        WaitForLine(process, "step=");
        Task<string> rest = process.StandardError.ReadToEndAsync();

        using (Process kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        bool exited = process.WaitForExit(TimeSpan.FromSeconds(60));
        if (!exited)
        {
            process.Kill();
        }

        Assert.True(exited, "the process did not stop within 60 s of SIGTERM");
        Assert.True(process.ExitCode == ExitCodes.Cancelled, await rest);
        TrainingCheckpoint checkpoint = CheckpointFile.Load(Path.Combine(run, "checkpoint.cflowck"));
        Assert.Equal(StopReason.Cancelled, checkpoint.Outcome);
        Assert.True(File.Exists(Path.Combine(run, "model.cflow")));
    }

    private string TrainSmallRun(string name, params string[] extra)
    {
        string run = Path.Combine(_folder, name);
        (int code, _, string error) = CliRunner.Run(
            ["train", .. SmallRun, .. extra, "--out", run, "--progress", "none"]);
        Assert.True(code == ExitCodes.Ok, error);
        return run;
    }

    /// <summary>Runs the CLI in-process and cancels its token, as Ctrl-C does, when stderr shows the trigger.</summary>
    private static (int ExitCode, string Error) RunCancelledAt(string trigger, string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new TriggerWriter(trigger, cancellation);
        int code = CliApplication.Run(
            [.. args, "--progress", "lines"], new CliContext(output, error, Interactive: false, cancellation.Token));

        return (code, error.ToString());
    }

    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    private static void AssertUnchanged(Dictionary<string, byte[]> before, string folder)
    {
        Dictionary<string, byte[]> after = Snapshot(folder);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach ((string name, byte[] bytes) in before)
        {
            Assert.True(SHA256.HashData(bytes).SequenceEqual(SHA256.HashData(after[name])), $"{name} changed");
        }
    }

    private static Process StartCli(params string[] args)
    {
        string cli = Path.Combine(AppContext.BaseDirectory, "coupling-flows.dll");
        string host = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? path
            : "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.ArgumentList.Add(cli);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();

        return process;
    }

    private static void WaitForLine(Process process, string fragment)
    {
        var deadline = Stopwatch.StartNew();
        while (process.StandardError.ReadLine() is string line)
        {
            if (line.Contains(fragment, StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(120), "no progress line within 120 s");
        }

        Assert.Fail($"the process ended before printing '{fragment}'.");
    }

    /// <summary>A writer that cancels a token once a line containing the trigger is written.</summary>
    private sealed class TriggerWriter(string trigger, CancellationTokenSource cancellation) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value is not null && value.Contains(trigger, StringComparison.Ordinal))
            {
                cancellation.Cancel();
            }
        }
    }
}
