namespace Nabla.Devices;

/// <summary>
/// A buffer of floats in a device's memory. A device tensor holds one (possibly shared with views, at an offset)
/// instead of a managed array; only its backend reads the elements, and the host sees them through copies.
/// </summary>
/// <remarks>
/// Device memory is freed by <see cref="Dispose"/> (the step arenas do that when a slot grows) or, for tensors user
/// code dropped, when the garbage collector finalizes the owner; backends defer the actual free to a thread that may
/// talk to the driver.
/// </remarks>
internal abstract class DeviceMemory : IDisposable
{
    /// <summary>The backend (and so the device) the memory belongs to.</summary>
    public abstract DeviceBackend Backend { get; }

    /// <summary>The number of floats.</summary>
    public abstract long Length { get; }

    /// <summary>Copies <paramref name="source"/> into the buffer from element <paramref name="offset"/> on; waits until done.</summary>
    public abstract void CopyFrom(ReadOnlySpan<float> source, long offset);

    /// <summary>Copies elements from <paramref name="offset"/> on into <paramref name="destination"/> (all its length), after every launch issued so far.</summary>
    public abstract void CopyTo(long offset, Span<float> destination);

    /// <summary>Frees the memory now.</summary>
    public abstract void Dispose();
}
