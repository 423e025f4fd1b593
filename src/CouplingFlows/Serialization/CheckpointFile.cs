using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CouplingFlows.Training;

namespace CouplingFlows.Serialization;

/// <summary>
/// Saves and loads a <see cref="TrainingCheckpoint"/>: the full state of a training run in one checksummed
/// binary file, so that the run can be resumed exactly.
/// </summary>
/// <remarks>
/// <para>Layout (little-endian): the 8 signature bytes "CFLOWCKP"; the format version (uint32); the length
/// (int32) and UTF-8 JSON of a header holding the settings, the architecture, the counters, the random
/// state and the sizes of the arrays; then the arrays: for each parameter its name (int32 length + UTF-8),
/// rank (int32), dimensions (int32 each) and float32 values; the best values of each parameter; Adam's
/// first and second moments (int32 length + float32 values each); the data order (int32 each); the loss
/// of every step (float32); the validation history (int32 step + float64 NLL); and last the SHA-256 of all
/// preceding bytes.</para>
/// <para>Values are stored bit for bit, in the byte order of the machine (little-endian on every platform
/// .NET supports today). Writes are atomic (<see cref="AtomicFile"/>). A file that is not a
/// checkpoint, is damaged or truncated, comes from a newer format, or contradicts itself is refused with a
/// <see cref="ModelFileException"/> that names it and says why.</para>
/// </remarks>
public static class CheckpointFile
{
    /// <summary>The format version this build writes and the newest it reads.</summary>
    public const uint FormatVersion = 1;

    /// <summary>The usual file name extension, with its dot.</summary>
    public const string Extension = ".cflowck";

    private const int ChecksumBytes = 32;
    private static readonly byte[] Signature = "CFLOWCKP"u8.ToArray();
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Writes the checkpoint to a file, atomically.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="path">The file to write; an existing file is replaced only once the new one is complete.</param>
    public static void Save(TrainingCheckpoint checkpoint, string path)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = ToBytes(checkpoint);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Reads a checkpoint from a file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The checkpoint, bit-identical to the one saved.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ModelFileException">The file is foreign, damaged, truncated, newer or inconsistent.</exception>
    public static TrainingCheckpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such checkpoint file.", path);
        }

        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>Serialises a checkpoint to bytes.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The file content.</returns>
    public static byte[] ToBytes(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Signature);
            writer.Write(FormatVersion);
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(CheckpointHeader.Of(checkpoint), JsonOptions);
            writer.Write(json.Length);
            writer.Write(json);
            WriteArrays(writer, checkpoint);
        }

        byte[] body = stream.ToArray();
        return [.. body, .. SHA256.HashData(body)];
    }

    /// <summary>Reads a checkpoint from bytes.</summary>
    /// <param name="bytes">The file content.</param>
    /// <param name="sourceName">The name used in error messages.</param>
    /// <returns>The checkpoint.</returns>
    /// <exception cref="ModelFileException">The content is foreign, damaged, truncated, newer or
    /// inconsistent.</exception>
    public static TrainingCheckpoint FromBytes(byte[] bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(sourceName);
        if (bytes.Length < Signature.Length || !bytes.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            throw new ModelFileException(
                sourceName, "not a CouplingFlows training checkpoint (the signature is missing).");
        }

        if (bytes.Length < Signature.Length + 4 + ChecksumBytes)
        {
            throw new ModelFileException(sourceName, $"truncated: only {bytes.Length} bytes.");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(Signature.Length));
        if (version > FormatVersion)
        {
            throw new ModelFileException(
                sourceName, $"written in checkpoint format {version}; this build reads formats up to {FormatVersion}.");
        }

        int bodyLength = bytes.Length - ChecksumBytes;
        if (!SHA256.HashData(bytes.AsSpan(0, bodyLength)).AsSpan().SequenceEqual(bytes.AsSpan(bodyLength)))
        {
            throw new ModelFileException(sourceName, "damaged or truncated: its checksum does not match its content.");
        }

        TrainingCheckpoint checkpoint;
        try
        {
            checkpoint = Parse(new ByteCursor(bytes, Signature.Length + 4, bodyLength));
        }
        catch (Exception error) when (error is InvalidDataException or JsonException or ArgumentException
            or NotSupportedException or OverflowException)
        {
            throw new ModelFileException($"{sourceName}: unreadable checkpoint content: {error.Message}", error);
        }

        string? problem = checkpoint.DescribeInconsistency();
        return problem is null
            ? checkpoint
            : throw new ModelFileException(sourceName, $"inconsistent checkpoint: {problem}");
    }

    private static void WriteArrays(BinaryWriter writer, TrainingCheckpoint checkpoint)
    {
        for (int p = 0; p < checkpoint.ParameterNames.Length; p++)
        {
            byte[] name = Encoding.UTF8.GetBytes(checkpoint.ParameterNames[p]);
            writer.Write(name.Length);
            writer.Write(name);
            writer.Write(checkpoint.ParameterShapes[p].Length);
            foreach (int dimension in checkpoint.ParameterShapes[p])
            {
                writer.Write(dimension);
            }

            writer.Write(MemoryMarshal.AsBytes(checkpoint.Values[p].AsSpan()));
        }

        foreach (float[] best in checkpoint.BestValues)
        {
            writer.Write(MemoryMarshal.AsBytes(best.AsSpan()));
        }

        foreach (float[] moments in checkpoint.FirstMoments.Concat(checkpoint.SecondMoments))
        {
            writer.Write(moments.Length);
            writer.Write(MemoryMarshal.AsBytes(moments.AsSpan()));
        }

        writer.Write(MemoryMarshal.AsBytes(checkpoint.Order.AsSpan()));
        writer.Write(MemoryMarshal.AsBytes(checkpoint.Losses.AsSpan()));
        foreach ((int step, double nll) in checkpoint.Validations)
        {
            writer.Write(step);
            writer.Write(nll);
        }
    }

    private static TrainingCheckpoint Parse(ByteCursor cursor)
    {
        int jsonLength = cursor.ReadCount(1, "header");
        CheckpointHeader header = JsonSerializer.Deserialize<CheckpointHeader>(
            cursor.ReadBytes(jsonLength), JsonOptions) ?? throw new InvalidDataException("the header record is empty.");
        header.Check();
        var names = new string[header.ParameterCount];
        var shapes = new int[header.ParameterCount][];
        var values = new float[header.ParameterCount][];
        for (int p = 0; p < names.Length; p++)
        {
            names[p] = Encoding.UTF8.GetString(cursor.ReadBytes(cursor.ReadCount(1, "name")));
            shapes[p] = cursor.ReadInts(cursor.ReadCount(sizeof(int), "rank"));
            values[p] = cursor.ReadFloats(ElementCount(shapes[p]));
        }

        float[][] best = [.. shapes.Select(shape => cursor.ReadFloats(ElementCount(shape)))];
        var moments = new float[2 * header.MomentCount][];
        for (int m = 0; m < moments.Length; m++)
        {
            moments[m] = cursor.ReadFloats(cursor.ReadCount(sizeof(float), "moment"));
        }

        int[] order = cursor.ReadInts(header.OrderLength);
        float[] losses = cursor.ReadFloats(header.Step);
        var validations = new (int Step, double Nll)[header.ValidationCount];
        for (int v = 0; v < validations.Length; v++)
        {
            validations[v] = (cursor.ReadInt32(), cursor.ReadDouble());
        }

        cursor.ExpectEnd();

        return header.ToCheckpoint(names, shapes, values, best, moments, order, losses, validations);
    }

    private static int ElementCount(int[] shape)
    {
        long count = 1;
        foreach (int dimension in shape)
        {
            if (dimension < 0)
            {
                throw new InvalidDataException($"a parameter dimension of {dimension} is impossible.");
            }

            count = Math.Min(count * dimension, int.MaxValue);
        }

        return (int)count;
    }
}
