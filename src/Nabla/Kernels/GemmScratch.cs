namespace Nabla.Kernels;

/// <summary>Per-thread packing buffer for <see cref="Gemm"/>, grown on demand and reused by every later call.</summary>
/// <remarks>
/// An <see cref="AlignedBuffer"/> per thread: each thread, including the runner's workers, packs into its own, so no
/// locking is needed, and a call allocates only when it needs more room than any earlier call on the same thread.
/// </remarks>
internal static unsafe class GemmScratch
{
    [ThreadStatic]
    private static AlignedBuffer t_buffer;

    /// <summary>Returns a 64-byte aligned buffer of at least <paramref name="floats"/> floats, owned by the calling thread.</summary>
    /// <param name="floats">Required size in floats.</param>
    public static float* Get(nint floats) => t_buffer.Get(floats);
}
