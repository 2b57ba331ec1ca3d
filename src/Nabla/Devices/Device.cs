using System.Collections.Concurrent;
using System.Globalization;
using Nabla.Devices;

namespace Nabla;

/// <summary>
/// A processor tensors live on and ops run on: the CPU engine (<c>cpu</c>) or a CUDA GPU (<c>cuda:0</c>, <c>cuda:1</c>, …)
/// when the <c>Nabla.Gpu</c> package is referenced, as Keras with TensorFlow names them.
/// </summary>
/// <remarks>
/// <para>
/// As in Keras, a visible GPU is used by default: <see cref="Default"/> is the first CUDA GPU when Nabla.Gpu is present
/// and a GPU is usable, else the CPU. The environment variable <c>NABLA_DEVICE</c> (<c>cpu</c>, <c>cuda</c>,
/// <c>cuda:N</c>) overrides it, and <see cref="Use(string)"/> opens a scope that chooses another device for the code
/// inside it (<see cref="Current"/>).
/// </para>
/// <para>
/// Layers create their weights on <see cref="Current"/> when they build; <c>Fit</c>, <c>Evaluate</c> and
/// <c>Predict</c> move each batch to the model's device and bring predictions back. Tensors you create
/// (<c>Tensor.FromArray</c>, <c>Tensor.Zeros</c>) live on the CPU until you move them with <see cref="Tensor.To"/>; an op
/// whose inputs live on different devices throws an <see cref="InvalidOperationException"/> naming both.
/// </para>
/// <para>
/// Besides the listed devices, <c>Device.Get("ilgpu-cpu")</c> runs the GPU kernels on ILGPU's CPU accelerator (slow,
/// simulated GPU threads), which is how the GPU path is tested on machines without a GPU.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// foreach (Device d in Device.List()) Console.WriteLine(d);   // cpu (…), cuda:0 (NVIDIA H200, 139 GB)
/// using (Device.Use("cpu"))
/// {
///     var model = new Sequential([new Dense(10)]);   // built on the CPU even where a GPU is the default
/// }
/// </code>
/// </example>
public sealed class Device
{
    /// <summary>The name of the device that runs the GPU kernels on ILGPU's CPU accelerator.</summary>
    public const string CpuAcceleratorName = "ilgpu-cpu";

    /// <summary>The environment variable that chooses the default device.</summary>
    public const string EnvironmentVariable = "NABLA_DEVICE";

    private static readonly ConcurrentDictionary<string, Device> Opened = new(StringComparer.Ordinal);
    private static readonly AsyncLocal<Device?> Scoped = new();
    private static readonly Lazy<Device> DefaultDevice = new(() => ResolveDefault(Environment.GetEnvironmentVariable(EnvironmentVariable), DeviceProvider.Find()));
    private static int s_announced;

    private readonly Lazy<DeviceBackend>? _backend;

    private Device(string name, DeviceKind kind, string description, long memoryBytes, DeviceProvider? provider)
    {
        Name = name;
        Kind = kind;
        Description = description;
        MemoryBytes = memoryBytes;
        _backend = provider is null ? null : new Lazy<DeviceBackend>(() => provider.Open(this));
    }

    /// <summary>The CPU engine, which always exists.</summary>
    public static Device Cpu { get; } = new("cpu", DeviceKind.Cpu,
        $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}", GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, null);

    /// <summary>
    /// The device used when no <see cref="Use(string)"/> scope chooses one: <c>NABLA_DEVICE</c> when set, else the first
    /// CUDA GPU when Nabla.Gpu is referenced and a GPU is usable, else <see cref="Cpu"/>. Resolved once per process.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>NABLA_DEVICE</c> names a device that does not exist (the message lists those that do).</exception>
    public static Device Default => DefaultDevice.Value;

    /// <summary>The device of the innermost <see cref="Use(Device)"/> scope on this thread's async flow, else <see cref="Default"/>.</summary>
    public static Device Current => Scoped.Value ?? Default;

    /// <summary>The device's name: <c>cpu</c>, <c>cuda:0</c>, <c>cuda:1</c>, …, or <c>ilgpu-cpu</c>.</summary>
    public string Name { get; }

    /// <summary>CPU engine, CUDA GPU, or the GPU kernels on ILGPU's CPU accelerator.</summary>
    public DeviceKind Kind { get; }

    /// <summary>What the driver calls the device (e.g. <c>NVIDIA H200</c>), or the CPU's cores.</summary>
    public string Description { get; }

    /// <summary>The device's memory in bytes (for the CPU, the memory the process may use).</summary>
    public long MemoryBytes { get; }

    /// <summary>The backend that runs ops on this device, opened on first use; null for the CPU.</summary>
    internal DeviceBackend? Backend => _backend?.Value;

    /// <summary>The devices on this machine: the CPU, then every usable CUDA GPU in driver order.</summary>
    /// <returns>The devices; the CPU always comes first.</returns>
    /// <remarks>Listing does not open a GPU; the driver is asked once per process.</remarks>
    public static IReadOnlyList<Device> List()
    {
        var list = new List<Device> { Cpu };
        if (DeviceProvider.Find() is { } provider)
        {
            list.AddRange(provider.Devices.Select(d => FromInfo(d, provider)));
        }

        return list;
    }

    /// <summary>The device named <paramref name="name"/>: <c>cpu</c>, <c>cuda</c> (the first GPU), <c>cuda:N</c>, or <c>ilgpu-cpu</c>.</summary>
    /// <param name="name">The device's name.</param>
    /// <returns>The device (the same object for the same name).</returns>
    /// <exception cref="ArgumentException">No such device exists here; the message lists those that do, or says why there is no GPU.</exception>
    public static Device Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Find(name, DeviceProvider.Find()) ?? throw new ArgumentException(Unknown(name, DeviceProvider.Find()), nameof(name));
    }

    /// <summary>
    /// Makes <paramref name="name"/> the <see cref="Current"/> device until the returned scope is disposed (scopes nest,
    /// and follow the async flow as <see cref="AsyncLocal{T}"/> does).
    /// </summary>
    /// <param name="name">The device's name, as <see cref="Get"/> takes it.</param>
    /// <returns>The scope; dispose it to restore the previous device.</returns>
    /// <example>
    /// <code>
    /// using (Device.Use("cuda:1")) { model = BuildModel(); }
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException">No such device exists here.</exception>
    public static IDisposable Use(string name) => Use(Get(name));

    /// <summary>Makes <paramref name="device"/> the <see cref="Current"/> device until the returned scope is disposed.</summary>
    /// <param name="device">The device.</param>
    /// <returns>The scope; dispose it to restore the previous device.</returns>
    public static IDisposable Use(Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        var scope = new Scope(Scoped.Value);
        Scoped.Value = device;
        return scope;
    }

    /// <inheritdoc/>
    public override string ToString() => Kind == DeviceKind.Cpu
        ? $"{Name} ({Description})"
        : string.Create(CultureInfo.InvariantCulture, $"{Name} ({Description}, {MemoryBytes / 1e9:0.#} GB)");

    /// <summary>Prints "Training on …" the first time a process trains on a device other than the CPU.</summary>
    internal static void AnnounceTraining(Device device) => Announce(device, Console.Out, ref s_announced);

    /// <summary>Writes "Training on …" to <paramref name="output"/> unless <paramref name="device"/> is the CPU or <paramref name="announced"/> is already set (and sets it).</summary>
    internal static void Announce(Device device, TextWriter output, ref int announced)
    {
        if (device.Kind != DeviceKind.Cpu && Interlocked.Exchange(ref announced, 1) == 0)
        {
            output.WriteLine($"Training on {device}");
        }
    }

    /// <summary>The default device for a value of <c>NABLA_DEVICE</c> and a provider (null when Nabla.Gpu is absent).</summary>
    internal static Device ResolveDefault(string? environment, DeviceProvider? provider)
    {
        if (!string.IsNullOrWhiteSpace(environment))
        {
            string name = environment.Trim();
            return Find(name, provider) ?? throw new InvalidOperationException(
                $"{EnvironmentVariable} is '{name}', but {Unknown(name, provider)} Set it to one of those, or unset it to use the first GPU (else the CPU).");
        }

        return provider is { Devices.Count: > 0 } ? FromInfo(provider.Devices[0], provider) : Cpu;
    }

    private static Device? Find(string name, DeviceProvider? provider)
    {
        if (name == "cpu")
        {
            return Cpu;
        }

        if (provider is null)
        {
            return null;
        }

        string key = name == "cuda" ? "cuda:0" : name;
        foreach (DeviceProvider.DeviceInfo info in provider.Devices.Concat(provider.TestDevices))
        {
            if (info.Name == key)
            {
                return FromInfo(info, provider);
            }
        }

        return null;
    }

    private static Device FromInfo(DeviceProvider.DeviceInfo info, DeviceProvider provider) =>
        Opened.GetOrAdd(info.Name, _ => new Device(info.Name, info.Kind, info.Description, info.MemoryBytes, provider));

    private static string Unknown(string name, DeviceProvider? provider)
    {
        string there = provider is null
            ? "the only device is 'cpu' (reference the Nabla.Gpu package to use a CUDA GPU)"
            : provider.Devices.Count == 0
                ? $"the only device is 'cpu': no CUDA GPU is usable ({provider.UnavailableReason}); '{CpuAcceleratorName}' runs the GPU kernels on the CPU for tests"
                : $"the devices are cpu, {string.Join(", ", provider.Devices.Select(d => d.Name))} (and '{CpuAcceleratorName}' for tests)";
        return $"device '{name}' does not exist: {there}.";
    }

    private sealed class Scope(Device? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                Scoped.Value = previous;
            }
        }
    }
}
