namespace Nabla;

/// <summary>What kind of processor a <see cref="Device"/> is.</summary>
public enum DeviceKind
{
    /// <summary>The CPU engine: Nabla's SIMD kernels on the host's cores, the default without a GPU.</summary>
    Cpu,

    /// <summary>An NVIDIA GPU through the CUDA driver (needs the <c>Nabla.Gpu</c> package).</summary>
    Cuda,

    /// <summary>
    /// The GPU kernels run on ILGPU's CPU accelerator (simulated GPU threads): slow, for testing the GPU path on a
    /// machine without a GPU (needs the <c>Nabla.Gpu</c> package).
    /// </summary>
    CpuAccelerator,
}
