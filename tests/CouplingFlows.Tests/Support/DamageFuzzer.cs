using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Support;

/// <summary>Feeds seeded random damage of one valid file to a reader and checks every outcome.</summary>
/// <remarks>Each damaged copy must either be read (where mayBeRead allows it, with the
/// result checked by the reader callback) or be refused with the expected exception type and a message that
/// names the file; any other exception, or a case that runs past the timeout, fails the test.</remarks>
public static class DamageFuzzer
{
    /// <summary>Far above the milliseconds one small file takes, so only a hang trips it.</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);

    public static async Task RunAsync<TException>(
        byte[] original, string extension, int cases, long seed, bool mayBeRead, Action<string> read)
        where TException : Exception
    {
        string folder = Directory.CreateTempSubdirectory("cflow-fuzz-").FullName;
        try
        {
            var random = new RandomSource(seed);
            for (int i = 0; i < cases; i++)
            {
                (byte[] bytes, string damage) = FileDamage.Apply(original, random);
                string path = Path.Combine(folder, $"case{i}{extension}");
                await File.WriteAllBytesAsync(path, bytes);
                string label = $"case {i} of seed {seed} ({damage})";
                Exception? error = await ReadAsync(path, read, label);
                Check<TException>(error, path, mayBeRead, label);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<Exception?> ReadAsync(string path, Action<string> read, string label)
    {
        Task<Exception?> attempt = Task.Run(() =>
        {
            try
            {
                read(path);
                return null;
            }
            catch (Exception error)
            {
                return error;
            }
        });
        try
        {
            return await attempt.WaitAsync(CaseTimeout);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{label}: the reader did not finish within {CaseTimeout.TotalSeconds} s.");
            throw;
        }
    }

    private static void Check<TException>(Exception? error, string path, bool mayBeRead, string label)
        where TException : Exception
    {
        if (error is null)
        {
            Assert.True(mayBeRead, $"{label}: the damaged file was accepted.");
            return;
        }

        Assert.True(
            error is TException,
            $"{label}: expected {typeof(TException).Name} but got {error.GetType().Name}: {error}");
        Assert.Contains(Path.GetFileName(path), error.Message, StringComparison.Ordinal);
    }
}
