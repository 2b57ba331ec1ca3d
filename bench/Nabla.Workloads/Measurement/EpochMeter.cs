using System.Diagnostics;
using Nabla.Callbacks;

namespace Nabla.Workloads.Measurement;

/// <summary>
/// A callback that measures every epoch of a <c>Fit</c>: wall time, steps, managed allocation and garbage collections.
/// </summary>
/// <remarks>
/// The clock and counters are read last in <see cref="OnEpochBegin"/> and first in <see cref="OnEpochEnd"/>, so the
/// figures cover the epoch's batches and Fit's own bookkeeping around them, not this callback. Allocation and
/// collection counts are process-wide: they include the kernels' worker threads, as a user's process would.
/// </remarks>
/// <param name="samplesPerEpoch">Training samples one epoch covers (the rows of x given to Fit).</param>
internal sealed class EpochMeter(long samplesPerEpoch) : Callback
{
    private readonly List<EpochStats> _epochs = [];
    private long _start;
    private long _allocated;
    private int _gen0;
    private int _gen1;
    private int _gen2;
    private int _steps;

    /// <summary>Every epoch measured so far, in order.</summary>
    public IReadOnlyList<EpochStats> Epochs => _epochs;

    public override void OnEpochBegin(int epoch, Dictionary<string, double> logs)
    {
        _steps = 0;
        _gen0 = GC.CollectionCount(0);
        _gen1 = GC.CollectionCount(1);
        _gen2 = GC.CollectionCount(2);
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _start = Stopwatch.GetTimestamp();
    }

    public override void OnTrainBatchEnd(int batch, Dictionary<string, double> logs) => _steps++;

    public override void OnEpochEnd(int epoch, Dictionary<string, double> logs)
    {
        double seconds = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocated;
        int gen0 = GC.CollectionCount(0) - _gen0, gen1 = GC.CollectionCount(1) - _gen1, gen2 = GC.CollectionCount(2) - _gen2;
        double loss = logs.TryGetValue("loss", out double l) ? l : double.NaN;
        _epochs.Add(new EpochStats(epoch, seconds, _steps, samplesPerEpoch, allocated, gen0, gen1, gen2, loss));
    }
}
