namespace Nabla.Models;

/// <summary>A source of (x, y) batches for the training loop: arrays or a dataset.</summary>
internal interface IBatchSource : IDisposable
{
    /// <summary>Batches in one full pass, or null when unknown (a dataset of unknown length).</summary>
    int? BatchCount { get; }

    /// <summary>Starts a new pass over the data (reshuffling when shuffling).</summary>
    void Restart();

    /// <summary>The next batch of the current pass; false at its end. <paramref name="y"/> is null without targets.</summary>
    bool Next(out Tensor x, out Tensor? y);
}
