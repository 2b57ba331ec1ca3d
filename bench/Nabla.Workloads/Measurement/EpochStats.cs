namespace Nabla.Workloads.Measurement;

/// <summary>What one training epoch cost, as <see cref="EpochMeter"/> measured it.</summary>
/// <param name="Epoch">The epoch index, 0-based as Keras passes it to callbacks.</param>
/// <param name="Seconds">Wall time from <c>OnEpochBegin</c> to <c>OnEpochEnd</c>.</param>
/// <param name="Steps">Training batches run in the epoch.</param>
/// <param name="Samples">Training samples seen in the epoch.</param>
/// <param name="AllocatedBytes">Managed bytes allocated by the whole process during the epoch.</param>
/// <param name="Gen0Collections">Gen-0 garbage collections during the epoch (a gen-1 or gen-2 collection counts here too).</param>
/// <param name="Gen1Collections">Gen-1 garbage collections during the epoch (a gen-2 collection counts here too).</param>
/// <param name="Gen2Collections">Gen-2 (full) garbage collections during the epoch.</param>
/// <param name="Loss">The epoch's training loss as Fit logs it (NaN when it logged none).</param>
internal sealed record EpochStats(
    int Epoch, double Seconds, int Steps, long Samples, long AllocatedBytes,
    int Gen0Collections, int Gen1Collections, int Gen2Collections, double Loss);
