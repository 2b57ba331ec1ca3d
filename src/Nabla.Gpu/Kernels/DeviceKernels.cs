namespace Nabla.Gpu.Kernels;

/// <summary>The kernel families of one <see cref="GpuDevice"/>, each created (and its kernels compiled) on first use.</summary>
internal sealed class DeviceKernels(GpuDevice device) : IDisposable
{
    private ElementwiseKernels? _elementwise;

    /// <summary>Unary, binary, scalar and broadcasting kernels.</summary>
    public ElementwiseKernels Elementwise => _elementwise ??= new ElementwiseKernels(device);

    /// <summary>Releases library handles (cuBLAS) the families hold.</summary>
    public void Dispose()
    {
    }
}
