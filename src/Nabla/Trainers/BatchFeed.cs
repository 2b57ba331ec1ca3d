namespace Nabla.Trainers;

/// <summary>
/// The batches of one epoch of a loop, checked and on the model's device: <see cref="BatchTransfer.Feed"/> makes it.
/// On the CPU it is the epoch's enumerator and the NaN check, exactly what the loops did before devices (nothing more
/// is allocated); on a device it hands out the <see cref="BatchPipeline"/>'s prefetched batches, or synchronous copies
/// when the device's <c>PrefetchBatches</c> is off.
/// </summary>
internal struct BatchFeed : IDisposable
{
    private readonly BatchTransfer _transfer;
    private readonly IEnumerator<(int Step, StepBatch Batch)> _source;
    private readonly BatchPipeline? _pipeline;
    private readonly string _operation;
    private readonly bool _fresh;

    /// <summary>Feeds <paramref name="source"/>'s batches through <paramref name="transfer"/> (and <paramref name="pipeline"/>, when prefetching).</summary>
    public BatchFeed(BatchTransfer transfer, IEnumerator<(int Step, StepBatch Batch)> source, BatchPipeline? pipeline, string operation, bool fresh)
    {
        _transfer = transfer;
        _source = source;
        _pipeline = pipeline;
        _operation = operation;
        _fresh = fresh;
    }

    /// <summary>The next batch and its step number; false at the end of the epoch.</summary>
    /// <exception cref="ArgumentException">The batch holds NaN or infinity (raised at its turn, after the steps before it).</exception>
    public readonly bool Next(out int step, out StepBatch batch)
    {
        if (_pipeline is not null)
        {
            return _pipeline.Next(_source, _operation, _fresh, out step, out batch);
        }

        if (!_source.MoveNext())
        {
            (step, batch) = (0, default);
            return false;
        }

        (step, StepBatch host) = _source.Current;
        Trainer.CheckBatch(_operation, host, step);
        batch = _transfer.ToDevice(host, _fresh);
        return true;
    }

    /// <summary>Ends the epoch's enumeration (a prefetching pipeline keeps its buffers for the next epoch).</summary>
    public readonly void Dispose() => _source.Dispose();
}
