using System.Runtime.InteropServices;
using System.Security.Cryptography;
using CouplingFlows.Numerics;

namespace CouplingFlows.Training;

/// <summary>A SHA-256 of a tensor's shape and values, to recognise the data a run was trained on.</summary>
internal static class DataFingerprint
{
    public static byte[] Of(Tensor data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> dimension = stackalloc byte[sizeof(int)];
        foreach (int size in data.Shape)
        {
            BitConverter.TryWriteBytes(dimension, size);
            hash.AppendData(dimension);
        }

        hash.AppendData(MemoryMarshal.AsBytes(data.Data.AsSpan()));

        return hash.GetHashAndReset();
    }
}
