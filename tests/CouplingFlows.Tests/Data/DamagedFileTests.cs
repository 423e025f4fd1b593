using System.Buffers.Binary;

using CouplingFlows.Data;
using CouplingFlows.Numerics;

using Xunit;

namespace CouplingFlows.Tests.Data;

/// <summary>Damages valid files at random and checks that every reader either reads them or throws
/// <see cref="DataFormatException"/>: never another exception type, never a hang.</summary>
public class DamagedFileTests
{
    /// <summary>Damaged variants per format: enough to reach header, size and data faults, quick to run.</summary>
    private const int Trials = 300;

    public static TheoryData<string> Formats => ["csv", "csv.gz", "npy", "idx"];

    private static byte[] ValidFile(string format, TemporaryDirectory directory)
    {
        var values = new Tensor(6, 5);
        new RandomSource(3).FillGaussian(values.Data);
        string path = directory.File("valid." + format);
        switch (format)
        {
            case "csv" or "csv.gz":
                CsvWriter.Write(path, values, ["a", "b", "c", "d", "e"]);
                break;
            case "npy":
                NpyWriter.Write(path, values);
                break;
            default:
                byte[] idx = new byte[16 + (6 * 2 * 2)];
                idx[2] = 0x08;
                idx[3] = 3;
                BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(4), 6);
                BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(8), 2);
                BinaryPrimitives.WriteInt32BigEndian(idx.AsSpan(12), 2);
                File.WriteAllBytes(path, idx);
                break;
        }

        return File.ReadAllBytes(path);
    }

    private static byte[] Damage(byte[] original, RandomSource random)
    {
        byte[] damaged = random.NextInt(3) == 0
            ? original[..random.NextInt(original.Length)]
            : (byte[])original.Clone();
        int flips = 1 + random.NextInt(4);
        for (int i = 0; i < flips && damaged.Length > 0; i++)
        {
            damaged[random.NextInt(damaged.Length)] = (byte)random.NextInt(256);
        }

        return damaged;
    }

    private static void ReadAny(string format, string path)
    {
        _ = format switch
        {
            "csv" or "csv.gz" => CsvReader.Read(path).Values,
            "npy" => NpyReader.Read(path),
            _ => IdxReader.Read(path),
        };
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Read_RandomlyDamagedFile_ReadsOrThrowsDataFormatException(string format)
    {
        using var directory = new TemporaryDirectory();
        byte[] original = ValidFile(format, directory);
        var random = new RandomSource(format.Length);
        string path = directory.File("damaged." + format);
        var unexpected = new List<string>();

        for (int trial = 0; trial < Trials; trial++)
        {
            File.WriteAllBytes(path, Damage(original, random));
            try
            {
                ReadAny(format, path);
            }
            catch (DataFormatException)
            {
                // The wanted outcome for a damaged file.
            }
            catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
            {
                unexpected.Add($"trial {trial}: {exception.GetType().Name}: {exception.Message}");
            }
        }

        Assert.Empty(unexpected);
    }
}
