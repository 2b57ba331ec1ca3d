namespace Nabla.Trainers;

/// <summary>A source of batches for the trainer's loops: in-memory arrays or a dataset.</summary>
internal interface IBatchSource : IDisposable
{
    /// <summary>Batches in one full pass, or null when unknown (a dataset of unknown length).</summary>
    int? BatchCount { get; }

    /// <summary>Rows per batch when fixed (arrays), or null (a dataset).</summary>
    int? BatchSize { get; }

    /// <summary>Starts a new pass over the data (reshuffling when shuffling).</summary>
    void Restart();

    /// <summary>The next batch of the current pass; false at its end.</summary>
    bool Next(out StepBatch batch);
}
