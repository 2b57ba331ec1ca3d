namespace Nabla.Workloads.Reporting;

/// <summary>One measured figure of a workload, with its goal and the TorchSharp reference where there are any.</summary>
/// <param name="Name">What was measured, e.g. <c>time per epoch</c>.</param>
/// <param name="Value">The measurement, in <paramref name="Unit"/>.</param>
/// <param name="Unit">One of <see cref="Units"/>.</param>
/// <param name="Goal">The goal the figure is held to, if any.</param>
/// <param name="Baseline">TorchSharp 0.107's figure on the reference machine (2-core AMD EPYC Zen 5), if known.</param>
internal sealed record Figure(string Name, double Value, string Unit, Goal? Goal = null, double? Baseline = null)
{
    /// <summary>Whether the figure meets its goal; null when it has none.</summary>
    public bool? Passed => Goal?.IsMetBy(Value);
}
