using System.IO.Compression;

namespace CouplingFlows.Data;

/// <summary>Opening, decompressing and atomically writing the files of the data layer.</summary>
internal static class DataFile
{
    /// <summary>The two bytes every gzip stream starts with (RFC 1952, section 2.3.1).</summary>
    private const byte GzipId1 = 0x1f;

    private const byte GzipId2 = 0x8b;

    /// <summary>Opens a file for reading, decompressing it when its content starts with the gzip magic.</summary>
    /// <remarks>Detection is by content, not by name, so a gzip file named .csv or an IDX file
    /// without .gz are both read correctly. The returned gzip stream throws
    /// <see cref="InvalidDataException"/> when the data is damaged or cut short.</remarks>
    /// <exception cref="InvalidDataException">The file starts like gzip but is too short.</exception>
    public static Stream OpenRead(string path)
    {
        var file = new FileStream(
            path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        try
        {
            Span<byte> head = stackalloc byte[2];
            int read = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
            file.Position = 0;
            bool isGzip = read == 2 && head[0] == GzipId1 && head[1] == GzipId2;

            return isGzip ? new CheckedGzipStream(file) : file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads the whole (decompressed) content of a file into memory.</summary>
    /// <exception cref="DataFormatException">The gzip stream is damaged, or the content exceeds 2 GiB.</exception>
    public static byte[] ReadAllBytes(string path)
    {
        using var memory = new MemoryStream();
        try
        {
            using Stream stream = OpenRead(path);
            stream.CopyTo(memory);
        }
        catch (InvalidDataException exception)
        {
            throw DamagedGzip(path, exception);
        }

        return memory.ToArray();
    }

    /// <summary>The product of the dimensions, saturating just above <see cref="Array.MaxLength"/>
    /// so that a damaged header cannot overflow it.</summary>
    public static long ElementCount(ReadOnlySpan<int> dimensions)
    {
        if (dimensions.Contains(0))
        {
            return 0;
        }

        long count = 1;
        foreach (int size in dimensions)
        {
            count = Math.Min(count * size, Array.MaxLength + 1L);
        }

        return count;
    }

    /// <summary>The error for a gzip stream that cannot be decompressed.</summary>
    public static DataFormatException DamagedGzip(string path, Exception cause) =>
        new("the file is gzip-compressed but cannot be decompressed: it is damaged or cut short. "
            + cause.Message, path, null, null, cause);

    /// <summary>
    /// Writes a file through a temporary sibling and a rename, so that readers never see a
    /// half-written file and a failed write leaves any earlier file untouched.
    /// </summary>
    /// <param name="path">The destination; a name ending in .gz is gzip-compressed.</param>
    /// <param name="write">Writes the (uncompressed) content to the stream it is given.</param>
    public static void WriteAtomically(string path, Action<Stream> write)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath) ?? ".";
        string temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                bool compress = fullPath.EndsWith(".gz", StringComparison.OrdinalIgnoreCase);
                if (compress)
                {
                    using var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true);
                    write(gzip);
                }
                else
                {
                    write(file);
                }

                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
