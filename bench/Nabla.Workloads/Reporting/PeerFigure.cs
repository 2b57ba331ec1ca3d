namespace Nabla.Workloads.Reporting;

/// <summary>How one of a workload's figures is compared with the peers' (the runner's <c>--peers</c> table).</summary>
/// <param name="Figure">
/// The start of the Nabla figure's name, e.g. <c>time per epoch</c> (a name may go on with a thread count or a
/// shortened run's sample count).
/// </param>
/// <param name="PeerKey">
/// Where the peers' result files (../shared/peers, <c>pytorch-openblas.json</c> and <c>torchsharp.json</c>) hold the
/// same figure, in the same unit: keys separated by dots, e.g. <c>W4.batch32.epoch_s_median</c>.
/// </param>
/// <param name="HigherIsBetter">Whether a larger value is better (throughput, accuracy) rather than a smaller one (time).</param>
/// <param name="RatioGoal">The goal for Nabla's figure divided by the better peer's, where the plan sets one.</param>
/// <param name="Gflops">
/// For a compute-bound figure, the arithmetic rate a value of it stands for, in GFLOP/s (e.g. an epoch's FLOPs over
/// its seconds), so that Nabla's and the peers' values can be shown as shares of the machine's FMA peak; null otherwise.
/// </param>
/// <param name="OwnGflops">
/// Nabla's rate for its own value where it computes fewer FLOPs than the peers for the same work (W5's convolution
/// gradients taken from the pooled gradient): the FLOPs it executes over the seconds; null when it is
/// <paramref name="Gflops"/>.
/// </param>
internal sealed record PeerFigure(string Figure, string PeerKey, bool HigherIsBetter, Goal? RatioGoal = null, Func<double, double>? Gflops = null,
    Func<double, double>? OwnGflops = null);
