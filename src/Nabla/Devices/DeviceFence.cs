namespace Nabla.Devices;

/// <summary>
/// A point in one of a device's queues (<see cref="DeviceBackend.UploadFence"/>: the copy queue;
/// <see cref="DeviceBackend.ComputeFence"/>: the launch queue): everything issued there before it has finished once
/// <see cref="Wait"/> returns.
/// </summary>
internal abstract class DeviceFence
{
    /// <summary>Blocks until the work before the fence has finished; waiting again returns at once.</summary>
    public abstract void Wait();
}
