using Nabla.Workloads.Measurement;

namespace Nabla.Workloads.Reporting;

/// <summary>What one workload measured.</summary>
/// <param name="Name">The workload's name, e.g. <c>fashion-mlp-b32</c>.</param>
/// <param name="Id">Its short id, e.g. <c>w4</c>.</param>
/// <param name="Description">What it trains or computes, and how.</param>
/// <param name="SteadyState">Which epochs the per-epoch figures cover (e.g. <c>epochs 2-5 of 5</c>), or how the figures were taken.</param>
/// <param name="Figures">The figures, in table order.</param>
/// <param name="Epochs">Every epoch of the timed fit, the excluded warm-up epoch included (empty for non-training workloads).</param>
internal sealed record WorkloadResult(
    string Name, string Id, string Description, string SteadyState, IReadOnlyList<Figure> Figures, IReadOnlyList<EpochStats> Epochs);
