using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Nabla.Kernels;

/// <summary>A growable buffer of floats whose start is 64-byte aligned: the storage of the kernels' per-thread scratch.</summary>
/// <remarks>
/// A pinned array on the pinned object heap rather than native memory: it is freed with its owner (no leak when a
/// thread-pool or test thread that once used it goes away) and it never moves, so a kernel can keep a raw pointer into
/// it. It grows geometrically, so a sequence of slightly larger requests does not reallocate each time, and a request
/// no larger than an earlier one allocates nothing. A pointer stays valid until the next <see cref="Get"/> that grows it.
/// </remarks>
internal struct AlignedBuffer
{
    private const int Alignment = 64;

    private float[]? _array;
    private int _offset;
    private nint _capacity;

    /// <summary>Returns the buffer's 64-byte aligned start, grown first to at least <paramref name="floats"/> floats.</summary>
    /// <param name="floats">Required size in floats, 0 or more.</param>
    public unsafe float* Get(nint floats)
    {
        if (_array is null || floats > _capacity)
            Grow(Math.Max(floats, 16));
        return (float*)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array!), _offset));
    }

    private void Grow(nint floats)
    {
        nint size = Math.Max(floats, _capacity + (_capacity / 2));
        (_array, _offset) = AllocatePinned(checked((int)size));
        _capacity = size;
    }

    /// <summary>
    /// Allocates a pinned array of at least <paramref name="floats"/> floats past the returned offset, at which the
    /// elements start on a 64-byte boundary (the array never moves, so the boundary holds for its life).
    /// </summary>
    /// <param name="floats">Floats wanted, 0 or more.</param>
    public static (float[] Array, int Offset) AllocatePinned(int floats)
    {
        float[] array = GC.AllocateUninitializedArray<float>(checked(floats + (Alignment / sizeof(float))), pinned: true);
        return (array, AlignedOffset(array));
    }

    // Floats from the start of a pinned array to its first 64-byte boundary.
    private static unsafe int AlignedOffset(float[] array)
    {
        nint start = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        return (int)(((Alignment - (start & (Alignment - 1))) & (Alignment - 1)) / sizeof(float));
    }
}
