namespace Nabla.Devices;

/// <summary>
/// What one device's asynchronous transfer path has done since it opened: read by the tests (which prove that Fit,
/// Evaluate and Predict really overlap their copies) and by the GPU benchmark's step breakdown. Written by the one
/// thread that drives the device.
/// </summary>
internal sealed class TransferCounters
{
    /// <summary>Host→device copies issued on the copy queue from page-locked staging.</summary>
    public long AsyncUploads;

    /// <summary>Floats those copies moved.</summary>
    public long AsyncUploadFloats;

    /// <summary>Device→host copies issued on the launch queue into page-locked staging, not waited for at once.</summary>
    public long AsyncDownloads;

    /// <summary>Batches whose upload was issued before the previous batch's step ran (the prefetch).</summary>
    public long PrefetchedBatches;

    /// <summary>Batches the trainer handed to a step while that batch's upload fence had to be waited for.</summary>
    public long UploadWaits;

    /// <summary>Synchronous copies (<c>DeviceMemory.CopyFrom</c>/<c>CopyTo</c>: each waits for the device).</summary>
    public long SynchronousCopies;

    /// <summary>Fences recorded on either queue.</summary>
    public long Fences;

    /// <summary>Page-locked staging buffers allocated (they are reused while batches fit).</summary>
    public long StagingAllocations;

    /// <summary>A copy of the counters (for before/after differences).</summary>
    public TransferCounters Snapshot() => (TransferCounters)MemberwiseClone();
}
