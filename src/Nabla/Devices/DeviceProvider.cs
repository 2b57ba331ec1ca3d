using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Nabla.Devices;

/// <summary>
/// The devices a plug-in assembly offers (Nabla.Gpu: the CUDA GPUs and ILGPU's CPU accelerator). The core finds it
/// without referencing the assembly: resolving a device other than the CPU loads <c>Nabla.Gpu</c> by name, whose module
/// initializer calls <see cref="Register"/>. No assembly, no provider: only the CPU exists.
/// </summary>
internal abstract class DeviceProvider
{
    /// <summary>The name of the assembly that registers the GPU provider.</summary>
    public const string GpuAssembly = "Nabla.Gpu";

    private static readonly object Gate = new();
    private static DeviceProvider? s_registered;
    private static bool s_searched;

    /// <summary>The devices found, in the order <see cref="Device.List"/> shows them (CUDA GPUs).</summary>
    public abstract IReadOnlyList<DeviceInfo> Devices { get; }

    /// <summary>Why no GPU is usable, or null when there is one.</summary>
    public abstract string? UnavailableReason { get; }

    /// <summary>
    /// The test devices that work without a GPU but are not listed (ILGPU's CPU accelerator), by name.
    /// </summary>
    public abstract IReadOnlyList<DeviceInfo> TestDevices { get; }

    /// <summary>Opens the backend of <paramref name="device"/> (one of <see cref="Devices"/> or <see cref="TestDevices"/>).</summary>
    public abstract DeviceBackend Open(Device device);

    /// <summary>Installs the provider (called by Nabla.Gpu's module initializer).</summary>
    public static void Register(DeviceProvider provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        lock (Gate)
        {
            s_registered = provider;
        }
    }

    /// <summary>The registered provider, loading Nabla.Gpu by name on first use; null when the assembly is absent.</summary>
    public static DeviceProvider? Find()
    {
        lock (Gate)
        {
            if (s_registered is null && !s_searched)
            {
                s_searched = true;
                TryLoad();
            }

            return s_registered;
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "An absent or trimmed Nabla.Gpu means no GPU; the CPU engine needs nothing from it.")]
    private static void TryLoad()
    {
        try
        {
            Assembly assembly = Assembly.Load(GpuAssembly);
            RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException or TypeInitializationException)
        {
            // Not installed, or unusable on this platform: the CPU is the only device.
        }
    }

    /// <summary>One device a provider offers.</summary>
    /// <param name="Name">Its name: <c>cuda:0</c>, <c>ilgpu-cpu</c>.</param>
    /// <param name="Kind">Its kind.</param>
    /// <param name="Description">The driver's name for it.</param>
    /// <param name="MemoryBytes">Its memory in bytes.</param>
    public sealed record DeviceInfo(string Name, DeviceKind Kind, string Description, long MemoryBytes);
}
