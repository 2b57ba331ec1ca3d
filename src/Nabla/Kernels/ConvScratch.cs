namespace Nabla.Kernels;

/// <summary>Per-thread scratch buffers of the convolution-family kernels, grown on demand and reused by every later call.</summary>
/// <remarks>
/// <para>
/// Three independent buffers per thread, so that a kernel can hold one for the whole call while the same thread, taking
/// part in the call's parallel work, uses the others for its share: <see cref="ScratchSlot.Job"/> is for what one work
/// item needs (an im2col block, a packed tile) and is only used inside a work item; <see cref="ScratchSlot.Output"/>
/// holds a work item's block of output that goes to an <see cref="IOutputSink"/> instead of the output tensor;
/// <see cref="ScratchSlot.Call"/> is taken by the calling thread before it starts the parallel work (a packed kernel,
/// per-slot partial sums) and read by every thread. None of them is <see cref="GemmScratch"/>, which the GEMMs these
/// kernels call use for their own packing.
/// </para>
/// <para>
/// Like <see cref="GemmScratch"/>: <see cref="AlignedBuffer"/>s (pinned, 64-byte aligned, grown geometrically, freed
/// with their thread), so a warm call allocates nothing. A pointer stays valid until the next
/// <see cref="Get"/> of the same slot on the same thread.
/// </para>
/// </remarks>
internal static unsafe class ConvScratch
{
    [ThreadStatic]
    private static AlignedBuffer t_job;

    [ThreadStatic]
    private static AlignedBuffer t_call;

    [ThreadStatic]
    private static AlignedBuffer t_output;

    /// <summary>Returns a 64-byte aligned buffer of at least <paramref name="floats"/> floats in the calling thread's <paramref name="slot"/>.</summary>
    /// <param name="slot">Which of the thread's three buffers.</param>
    /// <param name="floats">Required size in floats, 0 or more.</param>
    public static float* Get(ScratchSlot slot, nint floats) => slot switch
    {
        ScratchSlot.Job => t_job.Get(floats),
        ScratchSlot.Output => t_output.Get(floats),
        _ => t_call.Get(floats),
    };
}

/// <summary>One of the three per-thread buffers of <see cref="ConvScratch"/>.</summary>
internal enum ScratchSlot
{
    /// <summary>Used within one work item (an im2col block, a packed tile).</summary>
    Job,

    /// <summary>Taken by the calling thread for the whole call and shared with the workers (a packed kernel, partial sums).</summary>
    Call,

    /// <summary>A work item's block of output on its way to an <see cref="IOutputSink"/>.</summary>
    Output,
}
