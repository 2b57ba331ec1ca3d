using ILGPU.Runtime;
using Nabla.Devices;

namespace Nabla.Gpu.Devices;

/// <summary>
/// A fence on one of a <see cref="GpuBackend"/>'s streams: an ILGPU marker (a CUDA event recorded on the stream; on the
/// CPU accelerator, whose streams finish each call before returning, a marker that is complete at once), plus the
/// transfers the backend deferred before it when it simulates latency for the tests.
/// </summary>
internal sealed class GpuFence : DeviceFence
{
    private readonly GpuBackend _backend;
    private readonly bool _uploads;
    private readonly long _ticket;
    private ProfilingMarker? _marker;

    /// <summary>A fence behind <paramref name="marker"/> and the deferred transfers of its queue up to <paramref name="ticket"/>.</summary>
    public GpuFence(GpuBackend backend, ProfilingMarker marker, bool uploads, long ticket)
    {
        _backend = backend;
        _marker = marker;
        _uploads = uploads;
        _ticket = ticket;
    }

    /// <inheritdoc/>
    public override void Wait()
    {
        if (_marker is not { } marker)
        {
            return;
        }

        _backend.Enter();
        _backend.Gpu.Run("WaitFence", marker.Synchronize);
        marker.Dispose();
        _marker = null;
        _backend.RunDeferred(_uploads, _ticket);
    }
}
