namespace Nabla.Trainers;

/// <summary>
/// Moves the batches of one Fit, Evaluate or Predict to the model's device (the device of its first weight; for a model
/// not built yet, <see cref="Device.Current"/>, where its weights will be made). On the CPU it hands batches through
/// untouched. On a device, <see cref="Feed"/> stages each batch in page-locked memory and uploads it on the device's
/// copy queue while the batch before it computes (<see cref="BatchPipeline"/>), and Predict's outputs come back
/// through <see cref="Downloads"/> without a wait per batch.
/// </summary>
/// <remarks>
/// Batches for a user's <c>TrainStep</c>/<c>TestStep</c>/<c>PredictStep</c> override are fresh device tensors (the
/// override's tensors are the user's); the library's own steps get reused ones, so a warm step allocates no device
/// memory for its batch. <see cref="ToDevice"/> is the synchronous copy: the on-batch calls use it, and so do the loops
/// when the device's <c>PrefetchBatches</c> is off. Dispose returns the pipeline to its pool.
/// </remarks>
internal sealed class BatchTransfer : IDisposable
{
    private readonly Device _device;
    private Tensor?[] _x = [], _y = [];
    private Tensor? _weights;
    private Tensor[] _xs = [], _ys = [];
    private BatchPipeline? _pipeline;
    private OutputDownloads? _downloads;

    /// <summary>Moves batches to <paramref name="device"/>, the model's.</summary>
    public BatchTransfer(Device device) => _device = device;

    /// <summary>The device the model runs on.</summary>
    public Device Device => _device;

    /// <summary>Whether batches stay where they are (the model runs on the CPU).</summary>
    public bool OnHost => _device.Backend is null;

    /// <summary>Whether batches are prefetched through page-locked staging (a device whose <c>PrefetchBatches</c> is on).</summary>
    public bool Prefetching => _device.Backend is { PrefetchBatches: true };

    /// <summary>
    /// The batches of one epoch, checked for NaN and infinity (as <c>operation</c>) and on the model's device; fresh
    /// device tensors for a user's step override (<paramref name="fresh"/>).
    /// </summary>
    public BatchFeed Feed(IEnumerable<(int Step, StepBatch Batch)> epoch, string operation, bool fresh)
    {
        IEnumerator<(int Step, StepBatch Batch)> source = epoch.GetEnumerator();
        BatchPipeline? pipeline = null;
        if (Prefetching)
        {
            pipeline = _pipeline ??= BatchPipeline.Rent(_device);
            pipeline.BeginEpoch();
        }

        return new BatchFeed(this, source, pipeline, operation, fresh);
    }

    /// <summary>Predict's asynchronous output copies on a prefetching device, else null (outputs are copied at once).</summary>
    public OutputDownloads? Downloads => Prefetching ? _downloads ??= new OutputDownloads(_device.Backend!) : null;

    /// <summary>Returns the pipeline to its pool and frees the download staging.</summary>
    public void Dispose()
    {
        _downloads?.Dispose();
        _downloads = null;
        if (_pipeline is { } pipeline)
        {
            _pipeline = null;
            pipeline.Return();
        }
    }

    /// <summary>The batch on the model's device: itself on the CPU, else copies (fresh when <paramref name="fresh"/>).</summary>
    public StepBatch ToDevice(in StepBatch batch, bool fresh)
    {
        if (OnHost)
        {
            return batch;
        }

        if (fresh)
        {
            return new StepBatch(
                [.. batch.X.Select(t => t.To(_device))], [.. batch.Y.Select(t => t.To(_device))], batch.SampleWeight?.To(_device), batch.ShardOf);
        }

        Resize(ref _x, ref _xs, batch.X.Length);
        Resize(ref _y, ref _ys, batch.Y.Length);
        for (int i = 0; i < batch.X.Length; i++)
        {
            _xs[i] = Put(ref _x[i], batch.X[i]);
        }

        for (int i = 0; i < batch.Y.Length; i++)
        {
            _ys[i] = Put(ref _y[i], batch.Y[i]);
        }

        Tensor? w = batch.SampleWeight is { } sw ? Put(ref _weights, sw) : null;
        return new StepBatch(_xs, _ys, w, batch.ShardOf);
    }

    private static void Resize(ref Tensor?[] cache, ref Tensor[] view, int length)
    {
        if (cache.Length != length)
        {
            cache = new Tensor?[length];
            view = new Tensor[length];
        }
    }

    private Tensor Put(ref Tensor? cached, Tensor host)
    {
        if (host.Memory is not null)
        {
            return host.To(_device);
        }

        if (cached is null || !Tensors.ShapeUtil.SameShape(cached.Dims, host.Dims))
        {
            cached = host.To(_device);
            return cached;
        }

        cached.Memory!.CopyFrom(host.Span, cached.Offset);
        return cached;
    }
}
