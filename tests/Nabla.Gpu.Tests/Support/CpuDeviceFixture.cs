namespace Nabla.Gpu.Tests.Support;

/// <summary>One ILGPU CPU accelerator shared by every test class of the collection, so each kernel compiles once per run.</summary>
public sealed class CpuDeviceFixture : IDisposable
{
    /// <summary>The device (ILGPU's CPU accelerator).</summary>
    public GpuDevice Device { get; } = GpuDevice.OpenCpu();

    /// <inheritdoc/>
    public void Dispose() => Device.Dispose();
}

/// <summary>The tests that run kernels on ILGPU's CPU accelerator; not parallel, as the device is not thread-safe.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CpuDeviceCollection : ICollectionFixture<CpuDeviceFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "GPU kernels on the CPU accelerator";
}
