using Nabla.Devices;

namespace Nabla.Trainers;

/// <summary>
/// Predict's outputs on their way back from a device without a wait per batch: each batch's outputs are copied into
/// page-locked staging on the launch queue, behind the forward pass, and moved into the caller's result once the next
/// batch's forward pass is queued (so the device computes batch i+1 while the host takes batch i's rows).
/// </summary>
/// <remarks>
/// Two staging slots: a slot is emptied (its fence waited, its rows copied out) before its next use. The rows of each
/// output are reserved in its <see cref="PredictionCollector"/> when the copy is issued, so they land in batch order;
/// <see cref="Flush"/> empties both slots at the end of the loop (and before the caller reads a result).
/// </remarks>
internal sealed class OutputDownloads : IDisposable
{
    private readonly DeviceBackend _backend;
    private readonly Slot[] _slots = [new(), new()];
    private int _issued;

    /// <summary>Downloads from <paramref name="backend"/>'s device.</summary>
    public OutputDownloads(DeviceBackend backend) => _backend = backend;

    /// <summary>
    /// Queues the copies of one batch's <paramref name="outputs"/> (one per collector) and completes the batch queued
    /// before it. Host outputs are collected at once.
    /// </summary>
    public void Issue(ReadOnlySpan<Tensor> outputs, PredictionCollector[] results)
    {
        Slot slot = _slots[_issued % 2];
        Complete(slot);
        long floats = 0;
        for (int o = 0; o < results.Length; o++)
        {
            floats += outputs[o].Memory is null ? 0 : outputs[o].Size;
        }

        if (slot.Staging is null || slot.Staging.Length < floats)
        {
            slot.Staging?.Dispose();
            slot.Staging = _backend.AllocateStaging((int)floats);
        }

        int offset = 0;
        for (int o = 0; o < results.Length; o++)
        {
            Tensor output = outputs[o];
            if (output.Memory is null)
            {
                results[o].Add(output);
                continue;
            }

            (Tensor host, int at) = results[o].Reserve(output);
            _backend.DownloadAsync(output.Memory, output.Offset, slot.Staging, offset, output.Size);
            slot.Targets.Add((host, at, offset, output.Size));
            offset += output.Size;
        }

        slot.Fence = _backend.ComputeFence();
        _issued++;
        if (_issued >= 2)
        {
            Complete(_slots[_issued % 2]);   // the batch before this one
        }
    }

    /// <summary>Completes every queued batch, in order.</summary>
    public void Flush()
    {
        Complete(_slots[_issued % 2]);
        Complete(_slots[(_issued + 1) % 2]);
    }

    /// <summary>Frees the staging (after <see cref="Flush"/>).</summary>
    public void Dispose()
    {
        foreach (Slot slot in _slots)
        {
            slot.Fence?.Wait();
            slot.Fence = null;
            slot.Targets.Clear();
            slot.Staging?.Dispose();
            slot.Staging = null;
        }
    }

    private static void Complete(Slot slot)
    {
        if (slot.Fence is not { } fence)
        {
            return;
        }

        fence.Wait();
        slot.Fence = null;
        foreach ((Tensor host, int at, int from, int length) in slot.Targets)
        {
            slot.Staging!.Span.Slice(from, length).CopyTo(host.Span.Slice(at, length));
        }

        slot.Targets.Clear();
    }

    private sealed class Slot
    {
        public DeviceStaging? Staging;
        public DeviceFence? Fence;
        public readonly List<(Tensor Host, int At, int From, int Length)> Targets = [];
    }
}
