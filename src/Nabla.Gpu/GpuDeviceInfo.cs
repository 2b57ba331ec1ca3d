namespace Nabla.Gpu;

/// <summary>One device <see cref="GpuDevice.List"/> found: its name, kind and what the driver says about it.</summary>
/// <param name="Name">The name <see cref="GpuDevice.Open"/> takes: <c>cuda:0</c>, <c>cuda:1</c>, …, or <c>cpu</c>.</param>
/// <param name="Kind">CUDA GPU or ILGPU's CPU accelerator.</param>
/// <param name="Description">The driver's name for the device (e.g. <c>NVIDIA H200</c>).</param>
/// <param name="MemoryBytes">Device memory in bytes (for the CPU accelerator, the memory the process may use).</param>
/// <param name="ComputeCapability">The CUDA compute capability as <c>major.minor</c> (e.g. <c>9.0</c>), or null for the CPU accelerator.</param>
public sealed record GpuDeviceInfo(string Name, GpuDeviceKind Kind, string Description, long MemoryBytes, string? ComputeCapability);
