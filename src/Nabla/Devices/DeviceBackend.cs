namespace Nabla.Devices;

/// <summary>
/// The implementation of every op family on one device kind (Nabla.Gpu implements it on ILGPU). The ops never call
/// it directly: they call <c>Autodiff.Compute</c>, which runs the CPU kernels when every tensor is on the host and
/// this backend otherwise, after checking that the tensors share its device.
/// </summary>
/// <remarks>
/// <para>
/// Methods take tensors (their <see cref="Tensor.Memory"/>, <see cref="Tensor.Offset"/> and shape) and the sizes the
/// CPU kernel of the same op takes, and compute what that kernel computes, to float rounding. Launches may be
/// asynchronous: results are visible to later launches on the same device, and to the host after
/// <see cref="DeviceMemory.CopyTo"/> (which waits).
/// </para>
/// <para>A backend is used by one thread at a time per device; the trainer and the ops run on the calling thread.</para>
/// </remarks>
internal abstract partial class DeviceBackend
{
    /// <summary>The device this backend runs.</summary>
    public abstract Device Device { get; }

    /// <summary>New device memory of <paramref name="length"/> floats, contents undefined.</summary>
    public abstract DeviceMemory Allocate(long length);

    /// <summary>y[i] = value for every element of <paramref name="y"/>.</summary>
    public abstract void Fill(Tensor y, float value);

    /// <summary>Copies <paramref name="source"/>'s elements into <paramref name="destination"/> (same size, same device).</summary>
    public abstract void Copy(Tensor source, Tensor destination);

    /// <summary>Waits until every launch issued so far has finished.</summary>
    public abstract void Synchronize();
}
