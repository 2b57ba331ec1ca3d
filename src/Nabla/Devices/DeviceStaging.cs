namespace Nabla.Devices;

/// <summary>
/// A page-locked (pinned) host buffer of floats that a device copies to and from asynchronously: the trainer stages
/// each batch here before <see cref="DeviceBackend.UploadAsync"/> and receives Predict's outputs here from
/// <see cref="DeviceBackend.DownloadAsync"/>.
/// </summary>
/// <remarks>
/// The host may write the buffer only when no upload from it is in flight (after the <see cref="DeviceFence"/> of the
/// last one), and read what a download wrote only after the fence recorded behind it.
/// </remarks>
internal abstract class DeviceStaging : IDisposable
{
    /// <summary>The number of floats.</summary>
    public abstract int Length { get; }

    /// <summary>The elements, for the host.</summary>
    public abstract Span<float> Span { get; }

    /// <summary>Unpins and frees the buffer.</summary>
    public abstract void Dispose();
}
