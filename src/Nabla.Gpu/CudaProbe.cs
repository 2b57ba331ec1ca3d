using System.Globalization;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime.Cuda;

namespace Nabla.Gpu;

/// <summary>
/// Finds the usable CUDA devices once per process, and says precisely why there are none: the driver library is
/// missing, <c>cuInit</c> failed (with its error code), the driver counts no device, or ILGPU rejects them.
/// </summary>
/// <remarks>
/// The driver library is probed with <see cref="NativeLibrary.TryLoad(string, out IntPtr)"/> before ILGPU touches it,
/// so a machine without the NVIDIA driver gets a clean "not installed" answer rather than a loader exception.
/// </remarks>
internal sealed class CudaProbe
{
    private CudaProbe(IReadOnlyList<GpuDeviceInfo> devices, string? reason)
    {
        Devices = devices;
        Reason = reason;
    }

    /// <summary>The usable devices, <c>cuda:0</c> first.</summary>
    public IReadOnlyList<GpuDeviceInfo> Devices { get; }

    /// <summary>Why there is no device, or null when there is one.</summary>
    public string? Reason { get; }

    /// <summary>The driver library's file name on this platform.</summary>
    public static string DriverLibrary => OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";

    /// <summary>Probes the driver and lists the devices.</summary>
    public static CudaProbe Run()
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsWindows()) || RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return None($"CUDA through ILGPU needs Linux or Windows on x64, but this is {RuntimeInformation.OSDescription} on {RuntimeInformation.ProcessArchitecture}");
        }

        if (!NativeLibrary.TryLoad(DriverLibrary, out IntPtr library))
        {
            return None($"the NVIDIA driver library {DriverLibrary} is not installed (or not on the loader path)");
        }

        try
        {
            string? driverError = CheckDriver(library);
            if (driverError is not null)
            {
                return None(driverError);
            }
        }
        finally
        {
            NativeLibrary.Free(library);
        }

        try
        {
            using Context context = Context.Create(b => b.Cuda());
            var devices = new List<GpuDeviceInfo>();
            foreach (CudaDevice d in context.GetCudaDevices())
            {
                string capability = string.Create(CultureInfo.InvariantCulture, $"{d.Architecture?.Major}.{d.Architecture?.Minor}");
                devices.Add(new GpuDeviceInfo($"cuda:{devices.Count}", GpuDeviceKind.Cuda, d.Name, d.MemorySize, capability));
            }

            return devices.Count == 0
                ? None($"{DriverLibrary} loaded and the driver counts devices, but ILGPU 1.5.3 supports none of them (an architecture or driver version it does not know)")
                : new CudaProbe(devices, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return None($"ILGPU failed to enumerate the CUDA devices: {e.GetType().Name}: {e.Message}");
        }
    }

    private static CudaProbe None(string reason) => new([], reason);

    // cuInit(0) and cuDeviceGetCount through the library's own exports: the driver's answer, with its error code,
    // before ILGPU (which would only report an empty list).
    private static unsafe string? CheckDriver(IntPtr library)
    {
        if (!NativeLibrary.TryGetExport(library, "cuInit", out IntPtr init)
            || !NativeLibrary.TryGetExport(library, "cuDeviceGetCount", out IntPtr count))
        {
            return $"{DriverLibrary} loaded but lacks cuInit/cuDeviceGetCount (not an NVIDIA CUDA driver)";
        }

        int status = ((delegate* unmanaged<uint, int>)init)(0);
        if (status != 0)
        {
            return $"the CUDA driver failed to initialise (cuInit returned {status}{Describe(status)})";
        }

        int devices = 0;
        status = ((delegate* unmanaged<int*, int>)count)(&devices);
        if (status != 0)
        {
            return $"the CUDA driver failed to count devices (cuDeviceGetCount returned {status}{Describe(status)})";
        }

        return devices == 0 ? "the CUDA driver reports no device (check CUDA_VISIBLE_DEVICES and nvidia-smi)" : null;
    }

    private static string Describe(int status) => status switch
    {
        3 => ", CUDA_ERROR_NOT_INITIALIZED",
        35 => ", CUDA_ERROR_INSUFFICIENT_DRIVER: the kernel module is older than the driver library",
        100 => ", CUDA_ERROR_NO_DEVICE",
        101 => ", CUDA_ERROR_INVALID_DEVICE",
        804 => ", CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE",
        999 => ", CUDA_ERROR_UNKNOWN",
        _ => string.Empty,
    };
}
