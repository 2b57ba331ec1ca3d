using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Tests.Support;

/// <summary>Host ↔ device copies for tests: every buffer made here is freed when the scope is disposed.</summary>
public sealed class DeviceArrays(GpuDevice device) : IDisposable
{
    private readonly List<MemoryBuffer> _buffers = [];

    /// <summary>A device copy of <paramref name="data"/>.</summary>
    public ArrayView<float> Upload(float[] data)
    {
        var buffer = device.Upload(data);
        _buffers.Add(buffer);
        return buffer.View;
    }

    /// <summary>A device copy of integer data.</summary>
    public ArrayView<int> Upload(int[] data)
    {
        var buffer = device.Accelerator.Allocate1D(data);
        _buffers.Add(buffer);
        return buffer.View;
    }

    /// <summary>n device floats set to NaN (so that an element a kernel forgets to write shows).</summary>
    public ArrayView<float> Poisoned(int n)
    {
        var data = new float[n];
        Array.Fill(data, float.NaN);
        return Upload(data);
    }

    /// <summary>n device ints set to −1.</summary>
    public ArrayView<int> PoisonedInts(int n)
    {
        var data = new int[n];
        Array.Fill(data, -1);
        return Upload(data);
    }

    /// <summary>The device values, after waiting for every launch.</summary>
    public float[] Download(ArrayView<float> view)
    {
        device.Synchronize();
        var host = new float[view.Length];
        view.CopyToCPU(host);
        return host;
    }

    /// <summary>The device values, after waiting for every launch.</summary>
    public int[] Download(ArrayView<int> view)
    {
        device.Synchronize();
        var host = new int[view.Length];
        view.CopyToCPU(host);
        return host;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (MemoryBuffer b in _buffers)
        {
            b.Dispose();
        }
    }
}
