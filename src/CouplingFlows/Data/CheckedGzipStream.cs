using System.Buffers.Binary;
using System.IO.Compression;

namespace CouplingFlows.Data;

/// <summary>
/// Decompresses a gzip file and, at the end, checks the decompressed length against the length the
/// gzip trailer records, so that a file cut short is refused instead of read as shorter data.
/// </summary>
/// <remarks>
/// <para>GZipStream ends quietly when the compressed data stops early. Every gzip member ends with
/// ISIZE, the uncompressed length modulo 2³², in its last four bytes (RFC 1952, section 2.3.1); a
/// truncated file ends inside the compressed data instead, so the comparison fails.</para>
/// <para>Limitation: a file of several concatenated gzip members records only the last member's
/// length and is refused as damaged.</para>
/// </remarks>
internal sealed class CheckedGzipStream : Stream
{
    /// <summary>A 10-byte header, an empty deflate block of 2 bytes and the 8-byte trailer.</summary>
    private const int MinimumLength = 20;

    private readonly GZipStream _inner;
    private readonly uint _recordedLength;
    private long _decompressedLength;
    private bool _verified;

    /// <summary>Reads the trailer, rewinds the file and starts decompressing it.</summary>
    /// <exception cref="InvalidDataException">The file is too short to be gzip.</exception>
    public CheckedGzipStream(FileStream file)
    {
        if (file.Length < MinimumLength)
        {
            throw new InvalidDataException(
                $"It is {file.Length} bytes long, shorter than the smallest gzip file ({MinimumLength} bytes).");
        }

        Span<byte> trailer = stackalloc byte[4];
        file.Seek(-4, SeekOrigin.End);
        file.ReadExactly(trailer);
        file.Position = 0;
        _recordedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        _inner = new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
    }

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override bool CanWrite => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException("A decompressing stream has no known length.");

    /// <inheritdoc/>
    public override long Position
    {
        get => _decompressedLength;
        set => throw new NotSupportedException("A decompressing stream cannot seek.");
    }

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer)
    {
        int read = _inner.Read(buffer);
        _decompressedLength += read;
        if (read == 0 && !buffer.IsEmpty)
        {
            Verify();
        }

        return read;
    }

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override void Flush()
    {
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) =>
        throw new NotSupportedException("A decompressing stream cannot seek.");

    /// <inheritdoc/>
    public override void SetLength(long value) =>
        throw new NotSupportedException("A decompressing stream cannot change length.");

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("A decompressing stream cannot be written.");

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Verify()
    {
        if (_verified)
        {
            return;
        }

        _verified = true;
        if ((uint)_decompressedLength != _recordedLength)
        {
            throw new InvalidDataException(
                $"It decompresses to {_decompressedLength} bytes but its trailer records {_recordedLength} "
                + "(modulo 2^32).");
        }
    }
}
