using System.Buffers.Binary;
using System.IO.Compression;

namespace CouplingFlows.Data;

/// <summary>
/// Decompresses a gzip file and, at its end, checks that the data was not cut short.
/// </summary>
/// <remarks>
/// <para>A gzip member ends with a trailer holding the CRC-32 and the length modulo 2³² of its data
/// (RFC 1952, section 2.3.1). The decompressor checks the CRC-32 when it reaches the trailer, but a file
/// cut short never reaches it and simply ends early. This stream therefore compares the number of bytes
/// it produced with the length field in the file's last four bytes when the data ends, and throws an
/// <see cref="InvalidDataException"/> when they differ.</para>
/// <para>Only single-member files are supported (what gzip, Python and .NET write); a file of several
/// concatenated members fails the check.</para>
/// </remarks>
internal sealed class GzipReadStream : Stream
{
    private readonly GZipStream _gzip;
    private readonly uint _expectedLength;
    private long _produced;

    /// <summary>Takes ownership of a seekable file positioned at the start of its gzip content.</summary>
    public GzipReadStream(FileStream file)
    {
        Span<byte> trailer = stackalloc byte[4];
        if (file.Length >= 18)
        {
            file.Position = file.Length - 4;
            file.ReadExactly(trailer);
            file.Position = 0;
        }

        _expectedLength = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        _gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("A gzip stream has no known length.");

    public override long Position
    {
        get => _produced;
        set => throw new NotSupportedException("A gzip stream cannot seek.");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = _gzip.Read(buffer);
        _produced += read;
        if (read == 0 && buffer.Length > 0 && (uint)_produced != _expectedLength)
        {
            throw new InvalidDataException(
                $"The data ends after {_produced} bytes but the gzip trailer announces {_expectedLength} (modulo "
                + "2^32): the file is cut short, or it joins several gzip members, which is not supported.");
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) =>
        throw new NotSupportedException("A gzip stream cannot seek.");

    public override void SetLength(long value) => throw new NotSupportedException("A gzip stream is read-only.");

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("A gzip stream is read-only.");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gzip.Dispose();
        }

        base.Dispose(disposing);
    }
}
