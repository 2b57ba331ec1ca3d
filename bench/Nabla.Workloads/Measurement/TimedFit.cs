using System.Diagnostics;
using System.Runtime;

namespace Nabla.Workloads.Measurement;

/// <summary>A measured training run: a fresh model fitted after a warm-up, with every epoch metered.</summary>
/// <param name="Model">The trained model, for evaluation and prediction.</param>
/// <param name="Epochs">Every epoch of the timed fit.</param>
/// <param name="Summary">Its steady state.</param>
/// <param name="Seconds">Wall time of the whole timed <c>Fit</c> call.</param>
/// <param name="WarmUpSeconds">How long the warm-up ran.</param>
internal sealed record TimedFit(Model Model, IReadOnlyList<EpochStats> Epochs, TrainingSummary Summary, double Seconds, double WarmUpSeconds)
{
    private static readonly TimeSpan MinWarmUp = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan JitQuietTime = TimeSpan.FromSeconds(0.3);

    /// <summary>
    /// Warms up on a throwaway model, seeds Nabla's random numbers with <paramref name="seed"/>, then trains a fresh
    /// model from <paramref name="createModel"/> as a user would (<c>Fit</c>, silent) with an <see cref="EpochMeter"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// The JIT first compiles methods quickly (tier 0) and recompiles hot ones with full optimization and profile-guided
    /// optimization only after they have run for a while (tier 1), in the background. Tier-1 code is faster, and it may
    /// also allocate less: .NET 10 keeps non-escaping objects (boxes, small arrays) on the stack there. A workload
    /// whose epochs last milliseconds would otherwise time slow code, and even a long epoch may still be running some
    /// tier-0 code on a busy machine.
    /// </para>
    /// <para>
    /// So the warm-up fits epochs of the first <paramref name="warmUpSamples"/> samples for at least half a second and
    /// then until the JIT has compiled no new method for 0.3 s (at most 10 s in all). Seeding after it gives the timed
    /// model the weights and shuffles it would have had without a warm-up. Per-model costs (weights, optimizer slots,
    /// arena) stay in the timed fit's first epoch, which <see cref="TrainingSummary"/> leaves out.
    /// </para>
    /// </remarks>
    public static TimedFit Run(Func<Model> createModel, Tensor x, Tensor y, int batchSize, int epochs, int warmUpSamples, int seed)
    {
        Model warmUp = createModel();
        Tensor warmUpX = x[..warmUpSamples], warmUpY = y[..warmUpSamples];
        long start = Stopwatch.GetTimestamp(), quietSince = start;
        long compiled = JitInfo.GetCompiledMethodCount();
        do
        {
            warmUp.Fit(warmUpX, warmUpY, batchSize: batchSize, epochs: 1, verbose: 0);
            if (JitInfo.GetCompiledMethodCount() is long now && now != compiled)
            {
                (compiled, quietSince) = (now, Stopwatch.GetTimestamp());
            }
        }
        while (Stopwatch.GetElapsedTime(start) < MinWarmUp
            || (Stopwatch.GetElapsedTime(quietSince) < JitQuietTime && Stopwatch.GetElapsedTime(start) < MaxWarmUp));

        double warmUpSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Nabla.Random.SetSeed(seed);
        Model model = createModel();
        var meter = new EpochMeter(x.Shape[0]);
        start = Stopwatch.GetTimestamp();
        model.Fit(x, y, batchSize: batchSize, epochs: epochs, verbose: 0, callbacks: [meter]);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new TimedFit(model, meter.Epochs, TrainingSummary.Of(meter.Epochs), seconds, warmUpSeconds);
    }
}
