namespace Nabla.Devices;

// The asynchronous transfer path the trainer uses to overlap batch copies with compute: page-locked staging, a copy
// queue beside the launch queue, and fences on both. Synchronous copies stay on DeviceMemory (CopyFrom, CopyTo).
internal abstract partial class DeviceBackend
{
    /// <summary>What the transfer path has done on this device (tests, benchmark).</summary>
    public TransferCounters Transfers { get; } = new();

    /// <summary>
    /// Whether Fit, Evaluate and Predict stage batches in page-locked buffers and upload the next one while the current
    /// one computes (the default), or copy each batch synchronously before its step (kept for comparison: the tests and
    /// the benchmark measure one against the other).
    /// </summary>
    public bool PrefetchBatches { get; set; } = true;

    /// <summary>A new page-locked host buffer of <paramref name="length"/> floats (contents undefined).</summary>
    public abstract DeviceStaging AllocateStaging(int length);

    /// <summary>
    /// Queues a copy of <paramref name="length"/> floats from <paramref name="source"/> (from
    /// <paramref name="sourceOffset"/>) into <paramref name="target"/> (from <paramref name="targetOffset"/>) on the
    /// device's copy queue, which runs beside its launches; returns without waiting. The caller must not touch the
    /// staging range, nor launch work that reads the target range, before the <see cref="UploadFence"/> recorded after it.
    /// </summary>
    public abstract void UploadAsync(DeviceStaging source, int sourceOffset, DeviceMemory target, long targetOffset, int length);

    /// <summary>A fence behind every <see cref="UploadAsync"/> issued so far.</summary>
    public abstract DeviceFence UploadFence();

    /// <summary>
    /// Queues a copy of <paramref name="length"/> floats of <paramref name="source"/> into <paramref name="target"/> on
    /// the launch queue, after every launch issued so far (so later launches may overwrite the source); returns without
    /// waiting. The host reads the staging range after the <see cref="ComputeFence"/> recorded after it.
    /// </summary>
    public abstract void DownloadAsync(DeviceMemory source, long sourceOffset, DeviceStaging target, int targetOffset, int length);

    /// <summary>A fence behind every launch and <see cref="DownloadAsync"/> issued so far.</summary>
    public abstract DeviceFence ComputeFence();
}
