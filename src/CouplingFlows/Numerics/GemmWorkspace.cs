using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CouplingFlows.Numerics;

/// <summary>
/// Per-thread scratch memory of the matrix product: packed panels of B, the last rows of A padded to a whole
/// tile, and one tile of C for ragged edges.
/// </summary>
/// <remarks>
/// Buffers live on the pinned object heap, aligned to 64 bytes, and only grow, so that once the largest product
/// a thread computes has run, later products allocate nothing. Each thread (the caller and every worker) owns
/// its own workspace, so no locking is needed.
/// </remarks>
internal sealed unsafe class GemmWorkspace
{
    private const int Alignment = 64;

    /// <summary>
    /// 128 zeros, shared read-only by every thread: the starting sums (C_in) of a tile or a row when C is
    /// overwritten rather than added to. Never freed.
    /// </summary>
    internal static readonly float* Zeros = AllocateZeros();

    [ThreadStatic]
    private static GemmWorkspace? _current;

    private float[] _panels = [];
    private float[] _edge = [];
    private float* _panelsStart;
    private float* _edgeStart;

    /// <summary>The workspace of the calling thread.</summary>
    internal static GemmWorkspace Current => _current ??= new GemmWorkspace();

    /// <summary>Room for the packed panels of one (depth block × column block) of B.</summary>
    internal float* Panels(int length)
    {
        if (_panels.Length < length + (Alignment / sizeof(float)))
        {
            _panels = AllocatePinned(length, out _panelsStart);
        }

        return _panelsStart;
    }

    /// <summary>Room for a padded tile of A rows plus one tile of C.</summary>
    internal float* Edge(int length)
    {
        if (_edge.Length < length + (Alignment / sizeof(float)))
        {
            _edge = AllocatePinned(length, out _edgeStart);
        }

        return _edgeStart;
    }

    private static float[] AllocatePinned(int length, out float* alignedStart)
    {
        // Round up generously so that a growing product does not reallocate at every new size.
        int rounded = checked((int)BitOperations.RoundUpToPowerOf2((uint)length));
        float[] buffer = GC.AllocateUninitializedArray<float>(rounded + (Alignment / sizeof(float)), pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(buffer));
        alignedStart = (float*)((start + Alignment - 1) & ~(nint)(Alignment - 1));

        return buffer;
    }

    private static float* AllocateZeros()
    {
        float* zeros = (float*)NativeMemory.AlignedAlloc(128 * sizeof(float), Alignment);
        new Span<float>(zeros, 128).Clear();

        return zeros;
    }
}
