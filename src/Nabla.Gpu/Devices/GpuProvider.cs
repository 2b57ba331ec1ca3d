using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using Nabla.Devices;

namespace Nabla.Gpu.Devices;

/// <summary>
/// Offers the core its GPU devices: every usable CUDA GPU, listed, and ILGPU's CPU accelerator as the test device
/// <c>ilgpu-cpu</c>. Registered when the assembly loads, so referencing Nabla.Gpu is all a program needs.
/// </summary>
internal sealed class GpuProvider : DeviceProvider
{
    private readonly Lazy<IReadOnlyList<DeviceInfo>> _devices = new(() =>
        [.. GpuDevice.List().Where(d => d.Kind == GpuDeviceKind.Cuda).Select(d => new DeviceInfo(d.Name, DeviceKind.Cuda, d.Description, d.MemoryBytes))]);

    /// <inheritdoc/>
    public override IReadOnlyList<DeviceInfo> Devices => _devices.Value;

    /// <inheritdoc/>
    public override string? UnavailableReason => GpuDevice.CudaUnavailableReason;

    /// <inheritdoc/>
    public override IReadOnlyList<DeviceInfo> TestDevices { get; } =
        [new(Nabla.Device.CpuAcceleratorName, DeviceKind.CpuAccelerator, "ILGPU CPU accelerator: the GPU kernels on simulated GPU threads, for tests",
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)];

    /// <inheritdoc/>
    public override DeviceBackend Open(Device device) =>
        new GpuBackend(device, device.Kind == DeviceKind.CpuAccelerator ? GpuDevice.OpenCpu() : GpuDevice.Open(device.Name));

    /// <summary>Registers the provider with the core when the assembly loads.</summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "Registering the GPU devices as the assembly loads is the plug-in mechanism: the core loads Nabla.Gpu by name and must find its provider without referencing it.")]
    internal static void Register() => DeviceProvider.Register(new GpuProvider());
}
