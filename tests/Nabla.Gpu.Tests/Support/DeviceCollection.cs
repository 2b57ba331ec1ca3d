namespace Nabla.Gpu.Tests.Support;

/// <summary>
/// The tests that run the core's ops on the <c>ilgpu-cpu</c> device (one ILGPU CPU accelerator per process, shared); not
/// parallel, since a device runs one thread's launches at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DeviceCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Core ops on the ilgpu-cpu device";

    /// <summary>The test device: the GPU kernels on ILGPU's CPU accelerator.</summary>
    public static Device Accelerator => Device.Get(Device.CpuAcceleratorName);
}
