using ILGPU;
using ILGPU.Runtime;
using Nabla.Devices;

namespace Nabla.Gpu.Devices;

// The asynchronous transfer path: uploads from page-locked staging on a copy stream of their own (non-blocking on
// CUDA, so they run beside the kernels of the default stream), downloads on the default stream behind the kernels, and
// fences as ILGPU markers (CUDA events). The context is created with profiling enabled, which is what ILGPU requires
// for markers; it times nothing unless asked.
internal sealed partial class GpuBackend
{
    private readonly Queue<(long Ticket, Action Copy)> _deferredUploads = new();
    private readonly Queue<(long Ticket, Action Copy)> _deferredDownloads = new();
    private AcceleratorStream? _copyStream;
    private long _uploadTickets, _downloadTickets;

    /// <summary>
    /// For the tests: hold every asynchronous copy back until a fence behind it is waited for (the latest moment a real
    /// device may perform it), so that a caller that reads a buffer before its fence, or rewrites staging while its
    /// upload is in flight, gets wrong numbers instead of luckily right ones on the synchronous CPU accelerator.
    /// </summary>
    internal bool SimulateLatency { get; set; }

    /// <summary>The stream uploads run on, created on first use.</summary>
    private AcceleratorStream CopyStream => _copyStream ??= Gpu.Run("CreateStream", Gpu.Accelerator.CreateStream);

    /// <inheritdoc/>
    public override DeviceStaging AllocateStaging(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Enter();
        Transfers.StagingAllocations++;
        return new GpuStaging(this, length);
    }

    /// <inheritdoc/>
    public override void UploadAsync(DeviceStaging source, int sourceOffset, DeviceMemory target, long targetOffset, int length)
    {
        if (length == 0)
        {
            return;
        }

        Enter();
        ArrayView<float> from = ((GpuStaging)source).View(sourceOffset, length);
        ArrayView<float> to = ((GpuMemory)target).View.SubView(targetOffset, length);
        AcceleratorStream stream = CopyStream;
        Transfers.AsyncUploads++;
        Transfers.AsyncUploadFloats += length;
        if (SimulateLatency)
        {
            _deferredUploads.Enqueue((++_uploadTickets, () => to.CopyFrom(stream, from)));
            return;
        }

        Gpu.Run("UploadAsync", () => to.CopyFrom(stream, from));
    }

    /// <inheritdoc/>
    public override DeviceFence UploadFence()
    {
        Enter();
        Transfers.Fences++;
        return new GpuFence(this, Gpu.Run("UploadFence", CopyStream.AddProfilingMarker), uploads: true, _uploadTickets);
    }

    /// <inheritdoc/>
    public override void DownloadAsync(DeviceMemory source, long sourceOffset, DeviceStaging target, int targetOffset, int length)
    {
        if (length == 0)
        {
            return;
        }

        Enter();
        ArrayView<float> from = ((GpuMemory)source).View.SubView(sourceOffset, length);
        var staging = (GpuStaging)target;
        Transfers.AsyncDownloads++;
        if (SimulateLatency)
        {
            // The launch queue is in order: the values are the ones the device holds now; the host sees them only at the fence.
            float[] snapshot = new float[length];
            from.CopyToCPU(snapshot);
            _deferredDownloads.Enqueue((++_downloadTickets, () => snapshot.CopyTo(staging.Span.Slice(targetOffset, length))));
            return;
        }

        ArrayView<float> to = staging.View(targetOffset, length);
        Gpu.Run("DownloadAsync", () => from.CopyTo(Gpu.Accelerator.DefaultStream, to));
    }

    /// <inheritdoc/>
    public override DeviceFence ComputeFence()
    {
        Enter();
        Transfers.Fences++;
        return new GpuFence(this, Gpu.Run("ComputeFence", Gpu.Accelerator.DefaultStream.AddProfilingMarker), uploads: false, _downloadTickets);
    }

    /// <summary>Performs the deferred copies of one queue up to <paramref name="ticket"/> (only when simulating latency).</summary>
    internal void RunDeferred(bool uploads, long ticket)
    {
        Queue<(long Ticket, Action Copy)> queue = uploads ? _deferredUploads : _deferredDownloads;
        while (queue.TryPeek(out (long Ticket, Action Copy) next) && next.Ticket <= ticket)
        {
            queue.Dequeue().Copy();
        }
    }

    private void DisposeTransfers()
    {
        _copyStream?.Dispose();
        _copyStream = null;
    }
}
