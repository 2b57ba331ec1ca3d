using System.Reflection;

namespace Nabla.Workloads.Reporting;

/// <summary>Everything one run of the runner measured: the JSON file's root.</summary>
/// <param name="Timestamp">When the run finished.</param>
/// <param name="NablaVersion">The library's informational version (with the commit where the build recorded it).</param>
/// <param name="Quick">Whether <c>--quick</c> shortened the workloads (then accuracy goals are not assessed).</param>
/// <param name="Method">How the per-epoch figures were taken.</param>
/// <param name="Machine">The machine and runtime.</param>
/// <param name="Workloads">One result per workload run, in order.</param>
internal sealed record RunReport(
    DateTimeOffset Timestamp, string NablaVersion, bool Quick, string Method, MachineInfo Machine, IReadOnlyList<WorkloadResult> Workloads)
{
    /// <summary>The steady-state rule, as the table header and the JSON state it.</summary>
    public const string SteadyStateRule =
        "Steady state: each training workload first fits a throwaway copy of its model for at least 0.5 s and until the " +
        "JIT has nothing left to compile, then trains a fresh one; per-epoch figures are means over that fit's epochs " +
        "after the first (which pays for weights, optimizer slots and buffers), or over its only epoch.";

    /// <summary>Nabla's informational version, which the SDK suffixes with the commit it was built from.</summary>
    public static string LibraryVersion() =>
        typeof(Tensor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
