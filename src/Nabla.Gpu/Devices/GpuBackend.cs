using System.Collections.Concurrent;
using ILGPU;
using ILGPU.Runtime;
using Nabla.Devices;
using Nabla.Gpu.Kernels;

namespace Nabla.Gpu.Devices;

/// <summary>
/// The <see cref="DeviceBackend"/> of a <see cref="GpuDevice"/>: each op family of the core mapped onto the kernel
/// library (<see cref="DeviceKernels"/>), with tensors turned into views of their <see cref="GpuMemory"/>.
/// </summary>
/// <remarks>
/// The families live in partial files named after them. Every entry binds the accelerator to the calling thread first
/// (the CUDA context must be current on the thread that launches), once per thread switch.
/// </remarks>
internal sealed partial class GpuBackend : DeviceBackend, IDisposable
{
    [ThreadStatic]
    private static Accelerator? t_bound;

    private readonly ConcurrentQueue<MemoryBuffer> _dropped = new();
    private long _copiesToHost;

    /// <summary>Runs <paramref name="device"/>'s ops on <paramref name="gpu"/>.</summary>
    public GpuBackend(Device device, GpuDevice gpu)
    {
        Device = device;
        Gpu = gpu;
    }

    /// <inheritdoc/>
    public override Device Device { get; }

    /// <summary>The accelerator and its kernels.</summary>
    public GpuDevice Gpu { get; }

    /// <summary>
    /// How many device-to-host copies this backend has made (every <see cref="DeviceMemory.CopyTo"/>): the tests pin that
    /// an op runs on the device without a host round trip.
    /// </summary>
    public long CopiesToHost => Interlocked.Read(ref _copiesToHost);

    /// <summary>The kernel families.</summary>
    public DeviceKernels Kernels => Gpu.Kernels;

    /// <summary>The device view of a tensor's elements.</summary>
    public static ArrayView<float> View(Tensor t) => ((GpuMemory)t.Memory!).View.SubView(t.Offset, t.Size);

    /// <summary>The device view of a tensor's elements, or an empty view for null.</summary>
    public static ArrayView<float> ViewOrEmpty(Tensor? t) => t is null ? default : View(t);

    /// <summary>Binds the accelerator to the calling thread unless it is bound already.</summary>
    public void Enter()
    {
        Accelerator accelerator = Gpu.Accelerator;
        if (!ReferenceEquals(t_bound, accelerator))
        {
            accelerator.Bind();
            t_bound = accelerator;
        }
    }

    /// <inheritdoc/>
    public override DeviceMemory Allocate(long length)
    {
        Enter();
        DrainDropped();
        MemoryBuffer1D<float, Stride1D.Dense> buffer;
        try
        {
            buffer = Gpu.Allocate(length);
        }
        catch (GpuException)
        {
            // Tensors the program dropped may still hold device memory the collector has not reclaimed: collect, free, retry.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            DrainDropped();
            buffer = Gpu.Allocate(length);
        }

        return new GpuMemory(this, buffer);
    }

    /// <inheritdoc/>
    public override void Fill(Tensor y, float value)
    {
        if (y.Size == 0)
        {
            return;
        }

        Enter();
        Kernels.Elementwise.Fill(View(y), y.Size, value);
    }

    /// <inheritdoc/>
    public override void Copy(Tensor source, Tensor destination)
    {
        if (source.Size == 0)
        {
            return;
        }

        Enter();
        ArrayView<float> from = View(source), to = View(destination);
        try
        {
            from.CopyTo(to);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw Gpu.Fail("Copy", e);
        }
    }

    /// <inheritdoc/>
    public override void Synchronize()
    {
        Enter();
        Gpu.Synchronize();
    }

    /// <summary>Counts one device-to-host copy (see <see cref="CopiesToHost"/>).</summary>
    public void CountCopyToHost() => Interlocked.Increment(ref _copiesToHost);

    /// <summary>Frees a buffer now (on the calling thread, which <see cref="Enter"/> binds).</summary>
    public void Free(MemoryBuffer buffer)
    {
        Enter();
        buffer.Dispose();
    }

    /// <summary>Queues a buffer whose owner was finalized; it is freed at the next allocation.</summary>
    public void FreeLater(MemoryBuffer buffer) => _dropped.Enqueue(buffer);

    /// <summary>Frees the queued buffers and the device.</summary>
    public void Dispose()
    {
        DrainDropped();
        DisposeTransfers();
        Gpu.Dispose();
    }

    private void DrainDropped()
    {
        while (_dropped.TryDequeue(out MemoryBuffer? buffer))
        {
            buffer.Dispose();
        }
    }
}
