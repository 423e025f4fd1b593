using CouplingFlows.Numerics;

namespace CouplingFlows.Tests.Support;

/// <summary>Seeded random damage to a file's bytes, of the kinds disks, transfers and editors cause.</summary>
public static class FileDamage
{
    /// <summary>Returns damaged bytes that always differ from the original, and what was done.</summary>
    public static (byte[] Bytes, string Description) Apply(byte[] original, RandomSource random)
    {
        while (true)
        {
            (byte[] damaged, string description) = ApplyOnce(original, random);
            if (!damaged.AsSpan().SequenceEqual(original))
            {
                return (damaged, description);
            }
        }
    }

    private static (byte[] Bytes, string Description) ApplyOnce(byte[] original, RandomSource random)
    {
        int length = original.Length;
        switch (random.NextInt(5))
        {
            case 0:
                int keep = random.NextInt(length);
                return (original[..keep], $"truncated to {keep} of {length} bytes");
            case 1:
                byte[] flipped = (byte[])original.Clone();
                int flips = 1 + random.NextInt(4);
                for (int i = 0; i < flips; i++)
                {
                    flipped[random.NextInt(length)] ^= (byte)(1 + random.NextInt(255));
                }

                return (flipped, $"{flips} byte(s) flipped");
            case 2:
                int at = random.NextInt(length + 1);
                byte[] garbage = new byte[1 + random.NextInt(16)];
                for (int i = 0; i < garbage.Length; i++)
                {
                    garbage[i] = (byte)random.NextInt(256);
                }

                return ([.. original[..at], .. garbage, .. original[at..]], $"{garbage.Length} bytes inserted at {at}");
            case 3:
                int start = random.NextInt(length);
                int count = 1 + random.NextInt(Math.Min(32, length - start));
                return ([.. original[..start], .. original[(start + count)..]], $"{count} bytes deleted at {start}");
            default:
                int from = random.NextInt(length);
                int span = 1 + random.NextInt(Math.Min(32, length - from));
                return ([.. original[..from], .. original[from..(from + span)], .. original[from..]],
                    $"{span} bytes repeated at {from}");
        }
    }
}
