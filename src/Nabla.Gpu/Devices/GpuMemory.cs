using ILGPU;
using ILGPU.Runtime;
using Nabla.Devices;

namespace Nabla.Gpu.Devices;

/// <summary>A device tensor's memory on an ILGPU accelerator: one dense buffer of floats.</summary>
/// <remarks>
/// Disposed explicitly by the step arenas; a buffer whose tensor the garbage collector reclaimed is handed back to its
/// backend by the finalizer and freed on the next allocation, on a thread bound to the device (the CUDA driver frees
/// memory only from a thread with the context current, which the finalizer thread is not).
/// </remarks>
internal sealed class GpuMemory : DeviceMemory
{
    private readonly GpuBackend _backend;
    private MemoryBuffer1D<float, Stride1D.Dense>? _buffer;

    /// <summary>Wraps <paramref name="buffer"/>, which <paramref name="backend"/> allocated.</summary>
    public GpuMemory(GpuBackend backend, MemoryBuffer1D<float, Stride1D.Dense> buffer)
    {
        _backend = backend;
        _buffer = buffer;
        Length = buffer.Length;
    }

    /// <summary>Returns the buffer to the backend when the tensor was dropped without <see cref="Dispose"/>.</summary>
    ~GpuMemory()
    {
        if (_buffer is { } buffer)
        {
            _backend.FreeLater(buffer);
        }
    }

    /// <inheritdoc/>
    public override DeviceBackend Backend => _backend;

    /// <inheritdoc/>
    public override long Length { get; }

    /// <summary>The whole buffer as a kernel argument.</summary>
    public ArrayView<float> View => (_buffer ?? throw new ObjectDisposedException(nameof(GpuMemory))).View;

    /// <inheritdoc/>
    public override void CopyFrom(ReadOnlySpan<float> source, long offset)
    {
        if (source.IsEmpty)
        {
            return;
        }

        _backend.Enter();
        _backend.Transfers.SynchronousCopies++;
        ArrayView<float> target = View.SubView(offset, source.Length);
        try
        {
            target.CopyFromCPU(source);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw _backend.Gpu.Fail("CopyToDevice", e);
        }
    }

    /// <inheritdoc/>
    public override void CopyTo(long offset, Span<float> destination)
    {
        if (destination.IsEmpty)
        {
            return;
        }

        _backend.Enter();
        _backend.CountCopyToHost();
        _backend.Transfers.SynchronousCopies++;
        ArrayView<float> source = View.SubView(offset, destination.Length);
        try
        {
            source.CopyToCPU(destination);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw _backend.Gpu.Fail("CopyToHost", e);
        }
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            GC.SuppressFinalize(this);
            _backend.Free(buffer);
        }
    }
}
