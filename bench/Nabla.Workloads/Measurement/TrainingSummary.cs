using Nabla.Workloads.Reporting;

namespace Nabla.Workloads.Measurement;

/// <summary>The steady state of a <c>Fit</c>: per-epoch means over its epochs after the first.</summary>
/// <remarks>
/// The first epoch pays for JIT compilation (tier-0 code, then tier-1 with PGO), the arena's first rentals and the
/// kernels' scratch buffers; a fit of several epochs is summarised without it. A fit of one epoch is summarised as
/// it is, so a workload that wants a steady single epoch runs a warm-up fit before it.
/// </remarks>
/// <param name="FirstEpoch">The first epoch summarised (1-based, for people).</param>
/// <param name="LastEpoch">The last epoch summarised (1-based).</param>
/// <param name="SecondsPerEpoch">Mean wall time of an epoch.</param>
/// <param name="SecondsPerStep">Total time over total steps.</param>
/// <param name="SamplesPerSecond">Total samples over total time.</param>
/// <param name="AllocatedBytesPerEpoch">Mean managed bytes allocated per epoch.</param>
/// <param name="Gen0PerEpoch">Mean gen-0 collections per epoch.</param>
/// <param name="Gen1PerEpoch">Mean gen-1 collections per epoch.</param>
/// <param name="Gen2PerEpoch">Mean gen-2 collections per epoch.</param>
/// <param name="FinalLoss">The training loss of the fit's last epoch.</param>
/// <param name="FastestEpoch">
/// The summarised epoch with the shortest time per step. Other processes sharing the cores can only slow an epoch
/// down, so on a busy machine it is the closer estimate of what the code itself costs; the means stay the headline.
/// </param>
internal sealed record TrainingSummary(
    int FirstEpoch, int LastEpoch, double SecondsPerEpoch, double SecondsPerStep, double SamplesPerSecond,
    double AllocatedBytesPerEpoch, double Gen0PerEpoch, double Gen1PerEpoch, double Gen2PerEpoch, double FinalLoss,
    EpochStats FastestEpoch)
{
    /// <summary>Summarises <paramref name="epochs"/>, leaving out the first when there are several.</summary>
    /// <exception cref="ArgumentException">No epoch was measured.</exception>
    public static TrainingSummary Of(IReadOnlyList<EpochStats> epochs)
    {
        if (epochs.Count == 0)
        {
            throw new ArgumentException("TrainingSummary needs at least one measured epoch, but received none.", nameof(epochs));
        }

        int skip = epochs.Count > 1 ? 1 : 0;
        double seconds = 0, bytes = 0, gen0 = 0, gen1 = 0, gen2 = 0;
        long steps = 0, samples = 0;
        EpochStats fastest = epochs[skip];
        for (int i = skip; i < epochs.Count; i++)
        {
            EpochStats e = epochs[i];
            if (e.Seconds * Math.Max(1, fastest.Steps) < fastest.Seconds * Math.Max(1, e.Steps))
            {
                fastest = e;
            }

            seconds += e.Seconds;
            steps += e.Steps;
            samples += e.Samples;
            bytes += e.AllocatedBytes;
            gen0 += e.Gen0Collections;
            gen1 += e.Gen1Collections;
            gen2 += e.Gen2Collections;
        }

        int count = epochs.Count - skip;
        return new TrainingSummary(
            epochs[skip].Epoch + 1, epochs[^1].Epoch + 1, seconds / count, seconds / Math.Max(1, steps), samples / seconds,
            bytes / count, gen0 / count, gen1 / count, gen2 / count, epochs[^1].Loss, fastest);
    }

    /// <summary>Which epochs the figures cover, e.g. <c>epochs 2-10 of 10</c>.</summary>
    public string Window(int totalEpochs) =>
        FirstEpoch == LastEpoch ? $"epoch {FirstEpoch} of {totalEpochs}" : $"epochs {FirstEpoch}-{LastEpoch} of {totalEpochs}";

    /// <summary>The summary as table figures, with the goals and baselines in <paramref name="targets"/>.</summary>
    public List<Figure> ToFigures(TrainingTargets targets)
    {
        bool micro = targets.StepInMicroseconds;
        double stepScale = micro ? 1e6 : 1e3;
        List<Figure> figures =
        [
            new Figure("time per epoch", SecondsPerEpoch, Units.Seconds, targets.EpochGoal, targets.EpochBaseline),
            new Figure("time per step", SecondsPerStep * stepScale, micro ? Units.Microseconds : Units.Milliseconds,
                targets.StepGoal, targets.StepBaseline),
            new Figure("throughput", SamplesPerSecond, Units.SamplesPerSecond),
            new Figure("final training loss", FinalLoss, Units.None),
            new Figure("allocated per epoch", AllocatedBytesPerEpoch, Units.Bytes),
            new Figure("gen-0 GCs per epoch", Gen0PerEpoch, Units.Count, targets.NoGen0Collections ? Goal.AtMost(0) : null),
            new Figure("gen-1 GCs per epoch", Gen1PerEpoch, Units.Count),
            new Figure("gen-2 GCs per epoch", Gen2PerEpoch, Units.Count),
        ];
        if (LastEpoch > FirstEpoch)
        {
            figures.Insert(2, new Figure("time per step in the fastest epoch",
                FastestEpoch.Seconds / Math.Max(1, FastestEpoch.Steps) * stepScale, micro ? Units.Microseconds : Units.Milliseconds));
            figures.Insert(1, new Figure("time of the fastest epoch", FastestEpoch.Seconds, Units.Seconds));
        }

        return figures;
    }
}
