using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>Per-thread packing buffer for <see cref="Gemm"/>, grown on demand and reused by every later call.</summary>
/// <remarks>
/// A pinned array on the pinned object heap rather than native memory: it is freed with its
/// thread (no leak when a thread-pool or test thread that once ran a GEMM goes away) and it never
/// moves, so the driver can keep a raw, 64-byte aligned pointer into it. Each thread, including the
/// runner's workers, packs into its own buffer, so no locking is needed. A call allocates only
/// when it needs more room than any earlier call on the same thread.
/// </remarks>
internal static unsafe class GemmScratch
{
    private const int Alignment = 64;

    [ThreadStatic]
    private static float[]? _array;

    [ThreadStatic]
    private static int _offset;

    [ThreadStatic]
    private static nint _capacity;

    /// <summary>Returns a 64-byte aligned buffer of at least <paramref name="floats"/> floats, owned by the calling thread.</summary>
    /// <param name="floats">Required size in floats.</param>
    public static float* Get(nint floats)
    {
        if (floats > _capacity)
            Grow(floats);
        return (float*)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array!), _offset));
    }

    private static void Grow(nint floats)
    {
        // Grow geometrically so a sequence of slightly larger calls does not reallocate each time.
        nint size = Math.Max(floats, _capacity + _capacity / 2);
        float[] array = GC.AllocateUninitializedArray<float>(checked((int)size + (Alignment / sizeof(float))), pinned: true);
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        _array = array;
        _offset = (int)(((Alignment - (start & (Alignment - 1))) & (Alignment - 1)) / sizeof(float));
        _capacity = size;
    }
}
