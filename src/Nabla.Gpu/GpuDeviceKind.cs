namespace Nabla.Gpu;

/// <summary>The kind of accelerator behind a <see cref="GpuDevice"/>.</summary>
public enum GpuDeviceKind
{
    /// <summary>An NVIDIA GPU driven through the CUDA driver (kernels compiled to PTX by ILGPU).</summary>
    Cuda,

    /// <summary>
    /// ILGPU's CPU accelerator: the same kernels run as managed code on simulated GPU threads. Correct but slow; it
    /// exists so that every kernel is tested on machines without a GPU.
    /// </summary>
    Cpu,
}
