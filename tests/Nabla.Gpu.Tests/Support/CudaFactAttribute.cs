namespace Nabla.Gpu.Tests.Support;

/// <summary>A fact that needs a CUDA GPU: skipped, with the driver's reason, where none is usable (so CI reports it as skipped, not passed).</summary>
/// <remarks>Pair it with <c>[Trait("Category", "Cuda")]</c> so that a GPU run can select exactly these tests.</remarks>
public sealed class CudaFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> when no CUDA device is usable.</summary>
    public CudaFactAttribute()
    {
        if (!GpuDevice.IsCudaAvailable)
        {
            Skip = $"Needs a CUDA GPU: {GpuDevice.CudaUnavailableReason}.";
        }
    }
}
