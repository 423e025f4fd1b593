using System.Diagnostics.CodeAnalysis;

namespace CouplingFlows.Numerics;

/// <summary>Per-row buffers (log-determinants, their gradients) reused across training steps.</summary>
internal static class RowBuffer
{
    /// <summary>Returns the buffer if it already has <paramref name="rows"/> entries, else a new zeroed one.</summary>
    public static float[] Ensure([NotNull] ref float[]? buffer, int rows)
    {
        if (buffer is null || buffer.Length != rows)
        {
            buffer = new float[rows];
        }

        return buffer;
    }
}
