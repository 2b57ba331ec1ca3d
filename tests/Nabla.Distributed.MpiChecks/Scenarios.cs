namespace Nabla.Distributed.MpiChecks;

/// <summary>The scenarios by name.</summary>
internal static class Scenarios
{
    public static IReadOnlyDictionary<string, Action<string[]>> All { get; } = new Dictionary<string, Action<string[]>>
    {
        ["info"] = CollectiveChecks.Info,
        ["forget-dispose"] = CollectiveChecks.ForgetDispose,
        ["collectives"] = CollectiveChecks.Collectives,
        ["buckets"] = CollectiveChecks.Buckets,
        ["mismatch"] = CollectiveChecks.Mismatch,
        ["report-failure"] = FaultChecks.ReportedFailure,
        ["unhandled"] = FaultChecks.Unhandled,
        ["hang"] = FaultChecks.Hang,
        ["kill"] = FaultChecks.Kill,
        ["exit"] = FaultChecks.Exit,
        ["exit-early"] = FaultChecks.ExitEarly,
        ["abort"] = FaultChecks.Abort,
        ["mpi-error"] = FaultChecks.MpiError,
        ["bench"] = AllReduceBenchmark.Run,
        ["fit"] = TrainingChecks.Fit,
        ["fit-mismatch"] = TrainingChecks.Mismatch,
        ["fit-killed"] = TrainingChecks.Killed,
    };

    /// <summary>The timeout in seconds from the second argument, or null.</summary>
    public static TimeSpan? Timeout(string[] args) =>
        args.Length > 1 ? TimeSpan.FromSeconds(double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture)) : null;
}
