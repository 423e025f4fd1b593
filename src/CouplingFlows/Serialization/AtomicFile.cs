namespace CouplingFlows.Serialization;

/// <summary>Writes a file so that readers see either the old content or the whole new content.</summary>
/// <remarks>The bytes go to a temporary file in the same folder, are flushed to disk, and the temporary file
/// is then renamed over the target; a crash mid-write leaves the old file untouched.</remarks>
public static class AtomicFile
{
    /// <summary>Writes the bytes atomically.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="write">Writes the content to the stream it is given.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string fullPath = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(fullPath) ?? ".";
        string temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Writes text atomically as UTF-8.</summary>
    /// <param name="path">The target file.</param>
    /// <param name="text">The content.</param>
    public static void WriteAllText(string path, string text) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            writer.Write(text);
        });
}
