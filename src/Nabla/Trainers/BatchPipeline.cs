using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Nabla.Devices;

namespace Nabla.Trainers;

/// <summary>
/// The device half of <see cref="BatchTransfer"/>: batches staged in page-locked buffers and uploaded on the device's
/// copy queue one batch ahead, so that batch i+1 travels while batch i computes.
/// </summary>
/// <remarks>
/// <para>
/// Three slots in a ring, each with its staging buffer, its device buffers and two fences: the upload fence (its copy
/// has landed: the step may read the device buffers and the host may rewrite the staging) and the compute fence
/// (recorded when the next batch is asked for, behind every launch of the step that read the slot). Handing out batch
/// i records the compute fence of batch i−1's slot, stages batch i+1 into the slot of batch i−2 (waiting that slot's
/// compute fence first, so neither the staging nor the device buffers are rewritten while in use), then waits batch i's
/// upload fence. Three slots rather than two so that the wait is for the step before last: a step that issues its
/// launches without waiting for them (Predict's) keeps the device busy while the host stages.
/// </para>
/// <para>
/// A batch is checked for NaN and infinity when it is staged, one step early, while its host arrays are still the
/// batcher's; an error is raised when its turn comes, so the steps before it run as they did without the prefetch.
/// Device buffers and staging grow to the largest batch and are reused (a smaller last batch gets views), so a warm
/// step allocates no device memory; pipelines are pooled per device between loops, so validation every epoch does not
/// page-lock new memory. Batches for a user's step override get fresh device tensors (the override may keep them).
/// </para>
/// </remarks>
internal sealed class BatchPipeline
{
    private const int Slots = 3;
    private const int PoolLimit = 4;
    private static readonly ConcurrentDictionary<Device, ConcurrentBag<BatchPipeline>> s_pool = new();

    private readonly Device _device;
    private readonly DeviceBackend _backend;
    private readonly Slot[] _slots = [new(), new(), new()];
    private int _handed = -1;    // index of the batch handed out last in this epoch, -1 before the first
    private bool _ended;

    private BatchPipeline(Device device)
    {
        _device = device;
        _backend = device.Backend!;
    }

    /// <summary>A pipeline for <paramref name="device"/>, reused from an earlier loop when one is free.</summary>
    public static BatchPipeline Rent(Device device) =>
        s_pool.TryGetValue(device, out ConcurrentBag<BatchPipeline>? bag) && bag.TryTake(out BatchPipeline? pipeline) ? pipeline : new BatchPipeline(device);

    /// <summary>Waits for everything in flight and pools the pipeline (or frees it when the pool is full).</summary>
    public void Return()
    {
        Quiesce();
        ConcurrentBag<BatchPipeline> bag = s_pool.GetOrAdd(_device, static _ => []);
        if (bag.Count < PoolLimit)
        {
            bag.Add(this);
            return;
        }

        foreach (Slot slot in _slots)
        {
            slot.Free();
        }
    }

    /// <summary>Starts an epoch: nothing handed out, nothing staged (buffers and fences carry over).</summary>
    public void BeginEpoch()
    {
        Quiesce();
        _handed = -1;
        _ended = false;
        foreach (Slot slot in _slots)
        {
            slot.Full = false;
            slot.Error = null;
        }
    }

    /// <summary>
    /// The next batch of <paramref name="source"/> on the device, its upload finished; the batch after it is staged and
    /// uploading before this returns. False at the end of the epoch.
    /// </summary>
    public bool Next(IEnumerator<(int Step, StepBatch Batch)> source, string operation, bool fresh, out int step, out StepBatch batch)
    {
        if (_handed >= 0)
        {
            // Every launch of the previous batch's step has been issued: later uploads into its slot wait for them.
            Slot previous = _slots[_handed % Slots];
            previous.Compute = _backend.ComputeFence();
            previous.Full = false;
        }
        else
        {
            Stage(source, _slots[0], operation, fresh);
        }

        int index = _handed + 1;
        Slot current = _slots[index % Slots];
        if (!current.Full)
        {
            _handed = index;
            (step, batch) = (0, default);
            return false;
        }

        if (Stage(source, _slots[(index + 1) % Slots], operation, fresh))
        {
            _backend.Transfers.PrefetchedBatches++;
        }

        _handed = index;
        current.Full = false;
        current.Error?.Throw();
        if (current.Upload is { } upload)
        {
            _backend.Transfers.UploadWaits++;
            upload.Wait();
            current.Upload = null;
        }

        (step, batch) = (current.Step, current.Batch);
        return true;
    }

    /// <summary>Fetches the next host batch into <paramref name="slot"/> and starts its upload; false when there is none.</summary>
    private bool Stage(IEnumerator<(int Step, StepBatch Batch)> source, Slot slot, string operation, bool fresh)
    {
        bool more;
        try
        {
            more = !_ended && source.MoveNext();
        }
        catch (Exception e)
        {
            // The data source threw while producing this batch: raised at the batch's turn, as the synchronous path
            // would, so the steps before it still run.
            slot.Full = true;
            slot.Error = ExceptionDispatchInfo.Capture(e);
            _ended = true;
            return false;
        }

        if (!more)
        {
            _ended = true;
            return false;
        }

        (int step, StepBatch host) = source.Current;
        slot.Step = step;
        slot.Full = true;
        try
        {
            Trainer.CheckBatch(operation, host, step);
        }
        catch (Exception e)
        {
            // Raised when the batch's turn comes; nothing after it is fetched.
            slot.Error = ExceptionDispatchInfo.Capture(e);
            _ended = true;
            return false;
        }

        slot.Compute?.Wait();   // the step that last read the slot's device buffers has finished
        slot.Compute = null;
        slot.Upload?.Wait();    // and its staging is no longer being read
        slot.Upload = null;
        slot.EnsureStaging(_backend, Floats(host));
        int offset = 0;
        Tensor[] x = slot.Inputs(host.X.Length, fresh), y = slot.Targets(host.Y.Length, fresh);
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Put(slot, ref slot.X[i], host.X[i], fresh, ref offset);
        }

        for (int i = 0; i < y.Length; i++)
        {
            y[i] = Put(slot, ref slot.Y[i], host.Y[i], fresh, ref offset);
        }

        Tensor? w = host.SampleWeight is { } sw ? Put(slot, ref slot.W, sw, fresh, ref offset) : null;
        slot.Upload = _backend.UploadFence();
        slot.Batch = new StepBatch(x, y, w, host.ShardOf);
        return true;
    }

    /// <summary>One array of the batch: staged and uploaded into the slot's buffer for it (a new one when fresh).</summary>
    private Tensor Put(Slot slot, ref DeviceBuffer buffer, Tensor host, bool fresh, ref int offset)
    {
        if (host.Memory is not null)
        {
            return host.To(_device);   // already a device tensor (a dataset of device tensors): nothing to stage
        }

        int size = host.Size;
        host.Span.CopyTo(slot.Staging!.Span.Slice(offset, size));
        Tensor target = fresh ? new Tensor(_backend.Allocate(size), 0, host.Shape) : buffer.View(_backend, host.Dims);
        _backend.UploadAsync(slot.Staging, offset, target.Memory!, target.Offset, size);
        offset += size;
        return target;
    }

    private static int Floats(in StepBatch batch)
    {
        long total = batch.SampleWeight is { Memory: null } w ? w.Size : 0;
        foreach (Tensor t in batch.X)
        {
            total += t.Memory is null ? t.Size : 0;
        }

        foreach (Tensor t in batch.Y)
        {
            total += t.Memory is null ? t.Size : 0;
        }

        return (int)Math.Min(total, int.MaxValue);
    }

    /// <summary>Waits for every upload and launch that may still use a slot (once per epoch and loop).</summary>
    private void Quiesce()
    {
        bool used = _handed >= 0;
        foreach (Slot slot in _slots)
        {
            used |= slot.Upload is not null || slot.Compute is not null;
            slot.Upload?.Wait();
            slot.Upload = null;
            slot.Compute = null;   // covered by the fence below: the launch queue runs in order
        }

        if (used)
        {
            _backend.ComputeFence().Wait();
        }
    }

    /// <summary>One device buffer of a slot: memory of the largest size seen and a view of the current batch's shape.</summary>
    private struct DeviceBuffer
    {
        private DeviceMemory? _memory;
        private Tensor? _view;

        /// <summary>A tensor of <paramref name="dims"/> over the buffer, grown when too small.</summary>
        public Tensor View(DeviceBackend backend, ReadOnlySpan<int> dims)
        {
            long size = Tensors.ShapeUtil.Product(dims);
            if (_memory is null || _memory.Length < size)
            {
                _memory?.Dispose();
                _memory = backend.Allocate(size);
                _view = null;
            }

            if (_view is null)
            {
                _view = new Tensor(_memory, 0, dims.ToArray());
            }
            else if (!Tensors.ShapeUtil.SameShape(_view.Dims, dims))
            {
                _view.Reset(_memory, 0, dims);
            }

            return _view;
        }

        /// <summary>Frees the memory.</summary>
        public void Free()
        {
            _memory?.Dispose();
            (_memory, _view) = (null, null);
        }
    }

    /// <summary>One slot of the ring.</summary>
    private sealed class Slot
    {
        public DeviceBuffer[] X = [], Y = [];
        public DeviceBuffer W;
        public DeviceStaging? Staging;
        public DeviceFence? Upload, Compute;
        public bool Full;
        public int Step;
        public StepBatch Batch;
        public ExceptionDispatchInfo? Error;
        private Tensor[] _x = [], _y = [];

        /// <summary>The array of input tensors handed to the step (new when fresh: an override may keep it).</summary>
        public Tensor[] Inputs(int count, bool fresh)
        {
            if (X.Length != count)
            {
                Array.Resize(ref X, count);
            }

            return fresh ? new Tensor[count] : _x.Length == count ? _x : _x = new Tensor[count];
        }

        /// <summary>The array of target tensors handed to the step.</summary>
        public Tensor[] Targets(int count, bool fresh)
        {
            if (Y.Length != count)
            {
                Array.Resize(ref Y, count);
            }

            return fresh ? new Tensor[count] : _y.Length == count ? _y : _y = new Tensor[count];
        }

        /// <summary>Grows the staging buffer to at least <paramref name="floats"/>.</summary>
        public void EnsureStaging(DeviceBackend backend, int floats)
        {
            if (Staging is null || Staging.Length < floats)
            {
                Staging?.Dispose();
                Staging = backend.AllocateStaging(floats);
            }
        }

        /// <summary>Frees the staging and device buffers.</summary>
        public void Free()
        {
            Staging?.Dispose();
            Staging = null;
            foreach (ref DeviceBuffer b in X.AsSpan())
            {
                b.Free();
            }

            foreach (ref DeviceBuffer b in Y.AsSpan())
            {
                b.Free();
            }

            W.Free();
        }
    }
}
