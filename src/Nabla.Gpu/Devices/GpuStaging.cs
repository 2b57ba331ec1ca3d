using ILGPU;
using ILGPU.Runtime;
using Nabla.Devices;

namespace Nabla.Gpu.Devices;

/// <summary>
/// Page-locked host memory for asynchronous copies: a pinned managed array registered with the driver
/// (<c>cuMemHostRegister</c> on CUDA; on ILGPU's CPU accelerator the same calls, with page locking a no-op).
/// </summary>
internal sealed class GpuStaging : DeviceStaging
{
    private readonly GpuBackend _backend;
    private PageLockedArray1D<float>? _array;

    /// <summary>Allocates and page-locks <paramref name="length"/> floats on <paramref name="backend"/>'s accelerator.</summary>
    public GpuStaging(GpuBackend backend, int length)
    {
        _backend = backend;
        _array = backend.Gpu.Run("AllocatePageLocked", () => backend.Gpu.Accelerator.AllocatePageLocked1D<float>(length, uninitialized: true));
        Length = length;
    }

    /// <inheritdoc/>
    public override int Length { get; }

    /// <inheritdoc/>
    public override Span<float> Span => Array.Span;

    /// <summary>The buffer as a copy source or target (host memory the device reads and writes).</summary>
    public ArrayView<float> View(int offset, int length) => Array.ArrayView.SubView(offset, length);

    private PageLockedArray1D<float> Array => _array ?? throw new ObjectDisposedException(nameof(GpuStaging));

    /// <inheritdoc/>
    public override void Dispose()
    {
        if (_array is { } array)
        {
            _array = null;
            _backend.Enter();
            array.Dispose();
        }
    }
}
