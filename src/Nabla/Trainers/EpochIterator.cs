namespace Nabla.Trainers;

/// <summary>
/// The batches of one epoch after another, with Keras's <c>EpochIterator</c> semantics.
/// </summary>
/// <remarks>
/// Without <c>stepsPerEpoch</c>, each epoch is one full pass over the data. With it, each epoch takes that many
/// batches and the next epoch continues where the previous one stopped; a pass that runs out of data mid-epoch
/// ends the epoch early with a warning (as Keras), and the next epoch starts a new pass.
/// </remarks>
internal sealed class EpochIterator : IDisposable
{
    private readonly IBatchSource _source;
    private readonly int? _steps;
    private bool _inPass;
    private int _seenInPass;

    public EpochIterator(IBatchSource source, int? stepsPerEpoch)
    {
        _source = source;
        _steps = stepsPerEpoch;
    }

    /// <summary>Stops the source (a prefetching dataset's producer thread, for one).</summary>
    public void Dispose() => _source.Dispose();

    /// <summary>Rows per batch when fixed, or null.</summary>
    public int? BatchSize => _source.BatchSize;

    /// <summary>Batches per epoch as the progress bar shows them, or null when unknown.</summary>
    public int? NumBatches => _steps ?? _source.BatchCount;

    /// <summary>The batches of the next epoch, with their step numbers (0-based).</summary>
    public IEnumerable<(int Step, StepBatch Batch)> NextEpoch()
    {
        if (_steps is not int steps)
        {
            _source.Restart();
            int step = 0;
            while (_source.Next(out StepBatch batch))
            {
                yield return (step++, batch);
            }

            yield break;
        }

        if (!_inPass)
        {
            _source.Restart();
            _inPass = true;
            _seenInPass = 0;
        }

        for (int step = 0; step < steps; step++)
        {
            if (!_source.Next(out StepBatch batch))
            {
                Console.Error.WriteLine(
                    "Warning: your input ran out of data; interrupting the epoch. Make sure that your dataset can generate at least " +
                    "stepsPerEpoch * epochs batches; you may need .Repeat() when building it.");
                _inPass = false;
                yield break;
            }

            _seenInPass++;
            yield return (step, batch);
        }

        if (_source.BatchCount is int count && _seenInPass >= count)
        {
            _inPass = false;
        }
    }
}
