using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CouplingFlows.Flows;
using CouplingFlows.Nn;
using CouplingFlows.Numerics;

namespace CouplingFlows.Serialization;

/// <summary>
/// Saves and loads a flow: its architecture and every parameter in one checksummed binary file.
/// </summary>
/// <remarks>
/// <para>Layout (little-endian): the 8 signature bytes "CFLOWMDL"; the format version (uint32); the
/// length (int32) and UTF-8 JSON of the <see cref="FlowSpec"/>; the parameter count (int32); for each
/// parameter its name (int32 length + UTF-8), rank (int32), dimensions (int32 each) and float32 values;
/// and last the SHA-256 of all preceding bytes.</para>
/// <para>Values are stored bit for bit, so a loaded flow computes exactly what the saved one did.
/// Writes are atomic (<see cref="AtomicFile"/>).</para>
/// </remarks>
public static class ModelFile
{
    /// <summary>The format version this build writes and the newest it reads.</summary>
    public const uint FormatVersion = 1;

    private const int ChecksumBytes = 32;
    private static readonly byte[] Signature = "CFLOWMDL"u8.ToArray();
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Writes the flow to a file, atomically.</summary>
    /// <param name="flow">A flow built by <see cref="FlowBuilder"/> (it has a <see cref="Flow.Spec"/>).</param>
    /// <param name="path">The file to write.</param>
    /// <exception cref="ArgumentException">The flow has no spec to save.</exception>
    public static void Save(Flow flow, string path)
    {
        ArgumentNullException.ThrowIfNull(flow);
        byte[] bytes = ToBytes(flow);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>Reads a flow from a file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The flow, bit-identical to the one saved.</returns>
    /// <exception cref="ModelFileException">The file is foreign, damaged, truncated or newer.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static Flow Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: no such model file.", path);
        }

        return FromBytes(File.ReadAllBytes(path), path);
    }

    /// <summary>Serialises a flow to bytes.</summary>
    /// <param name="flow">A flow with a spec.</param>
    /// <returns>The file content.</returns>
    public static byte[] ToBytes(Flow flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        FlowSpec spec = flow.Spec ?? throw new ArgumentException(
            "Only flows built from a FlowSpec (FlowBuilder) can be saved.", nameof(flow));
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Signature);
            writer.Write(FormatVersion);
            byte[] json = JsonSerializer.SerializeToUtf8Bytes(spec, JsonOptions);
            writer.Write(json.Length);
            writer.Write(json);
            writer.Write(flow.Parameters.Count);
            foreach (Parameter parameter in flow.Parameters)
            {
                WriteParameter(writer, parameter);
            }
        }

        byte[] body = stream.ToArray();
        byte[] checksum = SHA256.HashData(body);

        return [.. body, .. checksum];
    }

    /// <summary>Reads a flow from bytes.</summary>
    /// <param name="bytes">The file content.</param>
    /// <param name="sourceName">The name used in error messages.</param>
    /// <returns>The flow.</returns>
    /// <exception cref="ModelFileException">The content is foreign, damaged, truncated or newer.</exception>
    public static Flow FromBytes(byte[] bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.AsSpan().StartsWith("CFLOWCKP"u8))
        {
            throw new ModelFileException(
                sourceName, "not a CouplingFlows model file but a training checkpoint; load the run's model.cflow, "
                + "or continue the run with train --resume.");
        }

        if (bytes.Length < Signature.Length || !bytes.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            throw new ModelFileException(sourceName, "not a CouplingFlows model file (the signature is missing).");
        }

        if (bytes.Length < Signature.Length + 4 + ChecksumBytes)
        {
            throw new ModelFileException(sourceName, $"truncated: only {bytes.Length} bytes.");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(Signature.Length));
        if (version > FormatVersion)
        {
            throw new ModelFileException(
                sourceName, $"written in model format {version}; this build reads formats up to {FormatVersion}.");
        }

        ReadOnlySpan<byte> body = bytes.AsSpan(0, bytes.Length - ChecksumBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - ChecksumBytes)))
        {
            throw new ModelFileException(
                sourceName, "damaged or truncated: its checksum does not match its content.");
        }

        try
        {
            return Parse(bytes, body.Length, sourceName);
        }
        catch (Exception error) when (error is EndOfStreamException or InvalidDataException or JsonException
            or ArgumentException or IOException or NotSupportedException or OverflowException)
        {
            throw new ModelFileException($"{sourceName}: unreadable model content: {error.Message}", error);
        }
    }

    private static Flow Parse(byte[] bytes, int bodyLength, string sourceName)
    {
        using var stream = new MemoryStream(bytes, 0, bodyLength, writable: false);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        reader.ReadBytes(Signature.Length + 4);
        int jsonLength = ReadCount(reader, bodyLength, "architecture");
        FlowSpec spec = JsonSerializer.Deserialize<FlowSpec>(reader.ReadBytes(jsonLength), JsonOptions)
            ?? throw new ModelFileException(sourceName, "the architecture record is empty.");
        ArchitectureGuard.Check(spec, bodyLength - stream.Position, sourceName);
        Flow flow = FlowBuilder.Build(spec, new RandomSource(0));
        int count = ReadCount(reader, bodyLength, "parameter");
        if (count != flow.Parameters.Count)
        {
            throw new ModelFileException(
                sourceName, $"holds {count} parameters but its architecture has {flow.Parameters.Count}.");
        }

        foreach (Parameter parameter in flow.Parameters)
        {
            ReadParameter(reader, parameter, bodyLength, sourceName);
        }

        if (stream.Position != bodyLength)
        {
            throw new ModelFileException(sourceName, "has unexpected bytes after the last parameter.");
        }

        return flow;
    }

    private static void WriteParameter(BinaryWriter writer, Parameter parameter)
    {
        byte[] name = Encoding.UTF8.GetBytes(parameter.Name);
        writer.Write(name.Length);
        writer.Write(name);
        writer.Write(parameter.Value.Rank);
        foreach (int dimension in parameter.Value.Shape)
        {
            writer.Write(dimension);
        }

        foreach (float value in parameter.Value.Data)
        {
            writer.Write(value);
        }
    }

    private static void ReadParameter(BinaryReader reader, Parameter parameter, int bodyLength, string sourceName)
    {
        int nameLength = ReadCount(reader, bodyLength, "name");
        string name = Encoding.UTF8.GetString(reader.ReadBytes(nameLength));
        int rank = ReadCount(reader, bodyLength, "rank");
        int[] shape = new int[rank];
        for (int r = 0; r < rank; r++)
        {
            shape[r] = ReadCount(reader, bodyLength, "dimension");
        }

        if (name != parameter.Name || !parameter.Value.HasShape(shape))
        {
            throw new ModelFileException(
                sourceName,
                $"parameter '{name}' of shape ({string.Join(", ", shape)}) does not match the architecture's "
                + $"'{parameter.Name}' of shape {parameter.Value.ShapeText()}.");
        }

        float[] values = parameter.Value.Data;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadSingle();
        }
    }

    private static int ReadCount(BinaryReader reader, int bodyLength, string what)
    {
        int value = reader.ReadInt32();
        if (value < 0 || value > bodyLength)
        {
            throw new InvalidDataException($"the {what} count {value} is impossible.");
        }

        return value;
    }
}
