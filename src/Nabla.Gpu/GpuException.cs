namespace Nabla.Gpu;

/// <summary>A driver, compiler or kernel failure on a device, naming the device and the operation that failed.</summary>
/// <remarks>
/// The message reads <c>GPU operation 'Gemm' on device 'cuda:0' failed: …</c> followed by the driver's or ILGPU's
/// own words; the original exception is the <see cref="Exception.InnerException"/>. CUDA reports a fault inside a
/// kernel at the next synchronisation, so the operation named may be the one that synchronised after the faulty
/// launch (the message says so).
/// </remarks>
public sealed class GpuException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="device">The device name (<c>cuda:0</c>, <c>cpu</c>).</param>
    /// <param name="operation">The kernel or driver operation.</param>
    /// <param name="detail">What went wrong.</param>
    /// <param name="innerException">The driver's or ILGPU's exception, if any.</param>
    public GpuException(string device, string operation, string detail, Exception? innerException = null)
        : base($"GPU operation '{operation}' on device '{device}' failed: {detail}", innerException)
    {
        Device = device;
        Operation = operation;
    }

    /// <summary>The device name (<c>cuda:0</c>, <c>cpu</c>).</summary>
    public string Device { get; }

    /// <summary>The kernel or driver operation that failed.</summary>
    public string Operation { get; }
}
