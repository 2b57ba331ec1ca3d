using System.Globalization;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Nabla.Gpu.Kernels;

namespace Nabla.Gpu;

/// <summary>
/// One accelerator Nabla can run kernels on: an NVIDIA GPU through the CUDA driver, or ILGPU's CPU accelerator (the
/// same kernels on simulated GPU threads, used by the tests on machines without a GPU).
/// </summary>
/// <remarks>
/// <para>
/// A device owns an ILGPU context and accelerator. Kernels are compiled on first use (C# → ILGPU IR → PTX, then the
/// driver's JIT to machine code) and cached for the device's lifetime, so open a device once and keep it. The CUDA
/// driver library (<c>libcuda.so.1</c>, <c>nvcuda.dll</c>) is loaded at run time; no native library ships with Nabla.
/// cuBLAS (<c>libcublas.so.12/11/10</c>) is used for GEMM when it loads, else Nabla's own tiled kernel.
/// </para>
/// <para>
/// A device is not thread-safe: one thread issues its launches (launches are asynchronous on CUDA; <see cref="Synchronize"/>
/// waits for them). Failures of the driver, the compiler or a kernel surface as <see cref="GpuException"/> naming the
/// device and the operation.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// foreach (GpuDeviceInfo info in GpuDevice.List()) Console.WriteLine($"{info.Name}: {info.Description}");
/// using GpuDevice device = GpuDevice.Open(GpuDevice.IsCudaAvailable ? "cuda:0" : "cpu");
/// </code>
/// </example>
public sealed class GpuDevice : IDisposable
{
    /// <summary>The name of ILGPU's CPU accelerator in <see cref="List"/> and <see cref="Open"/>.</summary>
    public const string CpuName = "cpu";

    private static readonly Lazy<CudaProbe> Cuda = new(CudaProbe.Run);

    private readonly Context _context;
    private DeviceKernels? _kernels;
    private bool _disposed;

    private GpuDevice(string name, GpuDeviceKind kind, Context context, Accelerator accelerator)
    {
        Name = name;
        Kind = kind;
        _context = context;
        Accelerator = accelerator;
        int maxGroup = accelerator.MaxNumThreadsPerGroup;
        // Row and reduction kernels use power-of-two groups: 256 threads on a GPU, the CPU accelerator's whole group
        // (16 simulated threads; every simulated thread costs a context switch there, so fewer is faster).
        RowGroupSize = Math.Min(GroupReduce.MaxGroupSize, FloorPow2(maxGroup));
        ElementwiseGroupSize = kind == GpuDeviceKind.Cuda ? Math.Min(256, maxGroup) : 1;
        MaxElementwiseGroups = kind == GpuDeviceKind.Cuda
            ? Math.Max(1, accelerator.NumMultiprocessors) * 32
            : Math.Max(1, Environment.ProcessorCount);
    }

    /// <summary>The device's name: <c>cuda:0</c>, <c>cuda:1</c>, …, or <c>cpu</c>.</summary>
    public string Name { get; }

    /// <summary>CUDA GPU or ILGPU's CPU accelerator.</summary>
    public GpuDeviceKind Kind { get; }

    /// <summary>The driver's name for the device (e.g. <c>NVIDIA H200</c>).</summary>
    public string Description => Accelerator.Name;

    /// <summary>Device memory in bytes.</summary>
    public long MemoryBytes => Accelerator.MemorySize;

    /// <summary>Whether a CUDA GPU is usable on this machine (the driver library loads and reports a device ILGPU supports).</summary>
    public static bool IsCudaAvailable => Cuda.Value.Devices.Count > 0;

    /// <summary>
    /// Why no CUDA device is usable (the driver library is missing, the driver reports no device, or its error code),
    /// or null when <see cref="IsCudaAvailable"/>.
    /// </summary>
    public static string? CudaUnavailableReason => Cuda.Value.Reason;

    /// <summary>The ILGPU accelerator (launches, allocations).</summary>
    internal Accelerator Accelerator { get; }

    /// <summary>The kernel families of this device, compiled on first use of each kernel.</summary>
    internal DeviceKernels Kernels
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _kernels ??= new DeviceKernels(this);
        }
    }

    /// <summary>Threads per group of the row-wise and reduction kernels (a power of two).</summary>
    internal int RowGroupSize { get; }

    /// <summary>Threads per group of the grid-stride elementwise kernels.</summary>
    internal int ElementwiseGroupSize { get; }

    /// <summary>Most groups an elementwise launch uses; each thread then strides over the rest.</summary>
    internal int MaxElementwiseGroups { get; }

    /// <summary>Lists the usable devices: every CUDA GPU (<c>cuda:0</c>, …) and then ILGPU's CPU accelerator (<c>cpu</c>).</summary>
    /// <returns>The devices, CUDA ones first in driver order.</returns>
    /// <remarks>Listing does not open a device; it asks the driver once per process and remembers the answer.</remarks>
    public static IReadOnlyList<GpuDeviceInfo> List()
    {
        var list = new List<GpuDeviceInfo>(Cuda.Value.Devices);
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        list.Add(new GpuDeviceInfo(CpuName, GpuDeviceKind.Cpu, "ILGPU CPU accelerator (simulated GPU threads, for tests)", memory, null));
        return list;
    }

    /// <summary>Opens a device by name.</summary>
    /// <param name="name"><c>cuda</c> (the first GPU), <c>cuda:N</c>, or <c>cpu</c> (ILGPU's CPU accelerator).</param>
    /// <returns>The device; dispose it when done.</returns>
    /// <exception cref="ArgumentException">The name is not one of the forms above, or names a GPU that is not there (the message lists the devices, or says why CUDA is unavailable).</exception>
    /// <exception cref="GpuException">The driver failed to create a context on the device.</exception>
    public static GpuDevice Open(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name == CpuName)
        {
            return OpenCpu();
        }

        int ordinal = ParseCudaOrdinal(name);
        CudaProbe probe = Cuda.Value;
        if (ordinal >= probe.Devices.Count)
        {
            string there = probe.Devices.Count == 0
                ? $"no CUDA device is usable: {probe.Reason}"
                : $"the CUDA devices are {string.Join(", ", probe.Devices.Select(d => d.Name))}";
            throw new ArgumentException($"GpuDevice.Open: device '{name}' does not exist; {there}. Use \"cpu\" for ILGPU's CPU accelerator.", nameof(name));
        }

        string device = $"cuda:{ordinal}";
        Context? context = null;
        try
        {
            context = Context.Create(b => b.Cuda().EnableAlgorithms().Profiling().Optimize(OptimizationLevel.O2));
            CudaAccelerator accelerator = context.CreateCudaAccelerator(ordinal);
            return new GpuDevice(device, GpuDeviceKind.Cuda, context, accelerator);
        }
        catch (Exception e) when (e is not ArgumentException)
        {
            context?.Dispose();
            throw new GpuException(device, "Open", e.Message, e);
        }
    }

    /// <summary>Opens ILGPU's CPU accelerator (the device the tests use when no GPU is present).</summary>
    /// <returns>The device; dispose it when done.</returns>
    public static GpuDevice OpenCpu()
    {
        Context context = Context.Create(b => b.CPU(CPUDevice.Default).EnableAlgorithms().Profiling().Optimize(OptimizationLevel.O1));
        try
        {
            CPUAccelerator accelerator = context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel);
            return new GpuDevice(CpuName, GpuDeviceKind.Cpu, context, accelerator);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>Waits until every launch issued so far has finished.</summary>
    /// <exception cref="GpuException">A kernel failed (CUDA reports faults at the next synchronisation).</exception>
    public void Synchronize() => Run("Synchronize", Accelerator.Synchronize);

    /// <summary>Allocates <paramref name="length"/> floats of device memory (uninitialised).</summary>
    /// <param name="length">Elements, 0 or more.</param>
    /// <returns>The buffer; dispose it to free the memory.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative.</exception>
    /// <exception cref="GpuException">The device is out of memory or the driver failed.</exception>
    public MemoryBuffer1D<float, Stride1D.Dense> Allocate(long length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return Run("Allocate", () => Accelerator.Allocate1D<float>(length));
    }

    /// <summary>Copies <paramref name="data"/> into new device memory.</summary>
    /// <param name="data">The host values.</param>
    /// <returns>The buffer; dispose it to free the memory.</returns>
    /// <exception cref="GpuException">The device is out of memory or the copy failed.</exception>
    public MemoryBuffer1D<float, Stride1D.Dense> Upload(float[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_disposed, this);
        // ILGPU cannot allocate from an empty array; an empty buffer is allocated by length.
        return data.Length == 0 ? Allocate(0) : Run("Upload", () => Accelerator.Allocate1D(data));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Description})";

    /// <summary>Frees the accelerator, its compiled kernels and the ILGPU context.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _kernels?.Dispose();
        Accelerator.Dispose();
        _context.Dispose();
    }

    /// <summary>Runs a launch or driver call, turning ILGPU's and the driver's exceptions into a <see cref="GpuException"/>.</summary>
    internal void Run(string operation, Action action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            action();
        }
        catch (Exception e) when (IsDeviceFailure(e))
        {
            throw Fail(operation, e);
        }
    }

    /// <inheritdoc cref="Run(string, Action)"/>
    internal T Run<T>(string operation, Func<T> action)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            return action();
        }
        catch (Exception e) when (IsDeviceFailure(e))
        {
            throw Fail(operation, e);
        }
    }

    /// <summary>
    /// Kernel launches (and cuBLAS calls) issued so far: every launch takes its shape from <see cref="ElementwiseConfig"/>,
    /// <see cref="RowConfig"/> or the GEMM kernels' own, each of which counts one (the GPU benchmark's step breakdown).
    /// </summary>
    internal long Launches;

    /// <summary>The grid-stride launch shape for <paramref name="n"/> independent elements.</summary>
    internal KernelConfig ElementwiseConfig(long n)
    {
        Launches++;
        long groups = Math.Clamp((n + ElementwiseGroupSize - 1) / ElementwiseGroupSize, 1, MaxElementwiseGroups);
        return new KernelConfig((int)groups, ElementwiseGroupSize);
    }

    /// <summary>The <see cref="GpuException"/> for a failure of <paramref name="operation"/>.</summary>
    internal GpuException Fail(string operation, Exception e)
    {
        string detail = e.Message;
        if (Kind == GpuDeviceKind.Cuda && e is CudaException)
        {
            detail += " (CUDA reports a fault inside a kernel at the next call that synchronises, so an earlier launch may be the cause.)";
        }

        return new GpuException(Name, operation, detail, e);
    }

    /// <summary>Whether <paramref name="e"/> means the device, driver or kernel compiler failed (as opposed to bad arguments caught before a launch).</summary>
    internal static bool IsDeviceFailure(Exception e) =>
        e is AcceleratorException or InternalCompilerException or CapabilityNotSupportedException or InvalidKernelOperationException
            or ILGPU.Backends.InvalidCodeGenerationException or ILGPU.Backends.NotSupportedIntrinsicException
            or NotSupportedException or OutOfMemoryException or DllNotFoundException or EntryPointNotFoundException;

    private static int ParseCudaOrdinal(string name)
    {
        if (name == "cuda")
        {
            return 0;
        }

        if (name.StartsWith("cuda:", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int ordinal))
        {
            return ordinal;
        }

        throw new ArgumentException($"GpuDevice.Open expects \"cuda\", \"cuda:N\" or \"cpu\", but received \"{name}\".", nameof(name));
    }

    /// <summary>The launch shape of a row kernel: one group per row (grid-stride over rows), a power of two near the row length.</summary>
    internal KernelConfig RowConfig(int rows, int cols)
    {
        Launches++;
        int group = Math.Clamp(CeilPow2(Math.Max(cols, 1)), Kind == GpuDeviceKind.Cuda ? 32 : 1, RowGroupSize);
        return new KernelConfig(Math.Clamp(rows, 1, MaxElementwiseGroups), group);
    }

    private static int CeilPow2(int x)
    {
        int p = 1;
        while (p < x && p < (1 << 30))
        {
            p *= 2;
        }

        return p;
    }

    private static int FloorPow2(int x)
    {
        int p = 1;
        while (p * 2 <= x)
        {
            p *= 2;
        }

        return p;
    }
}
