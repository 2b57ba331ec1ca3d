using System.Globalization;
using System.Text.RegularExpressions;

namespace Nabla.Distributed.Tests.Support;

/// <summary>What an MPI job printed and how it ended.</summary>
/// <param name="ExitCode">The launcher's (or the lone process's) exit status.</param>
/// <param name="Output">Everything written to standard output and error, the ranks' lines interleaved.</param>
/// <param name="Wall">How long the job ran, launch included.</param>
/// <param name="Ranks">Each rank's own lines (from MpiChecks' per-rank logs), by rank.</param>
internal sealed partial record JobResult(int ExitCode, string Output, TimeSpan Wall, IReadOnlyDictionary<int, string> Ranks)
{
    /// <summary>Rank <paramref name="rank"/>'s lines, failing with the whole output when it printed none.</summary>
    public string Rank(int rank) =>
        Ranks.TryGetValue(rank, out string? lines) ? lines : throw new Xunit.Sdk.XunitException($"Rank {rank} printed nothing. Output:\n{this}");

    /// <summary>The line of rank <paramref name="rank"/> that starts with <paramref name="prefix"/>.</summary>
    public string Line(int rank, string prefix) =>
        Rank(rank).Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"Rank {rank} printed no line starting with '{prefix}'. Output:\n{this}");

    /// <summary>The seconds in rank <paramref name="rank"/>'s <c>CAUGHT after 1.23 s</c> line.</summary>
    public double CaughtAfter(int rank) =>
        double.Parse(CaughtPattern().Match(Line(rank, "CAUGHT after")).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>Asserts that the job succeeded, showing the output when it did not.</summary>
    public void AssertSucceeded() => Assert.True(ExitCode == 0, $"The job failed with status {ExitCode}. Output:\n{this}");

    /// <summary>Asserts that the job failed, as a fault scenario must.</summary>
    public void AssertFailed() => Assert.True(ExitCode != 0, $"The job should have failed, but ended with status 0. Output:\n{this}");

    public override string ToString() => $"(status {ExitCode}, {Wall.TotalSeconds:F1} s)\n{Output}";

    [GeneratedRegex(@"CAUGHT after ([0-9.]+) s")]
    private static partial Regex CaughtPattern();
}
