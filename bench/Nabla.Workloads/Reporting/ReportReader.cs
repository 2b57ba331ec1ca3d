using System.Text.Json;

namespace Nabla.Workloads.Reporting;

/// <summary>Reads back a <see cref="RunReport"/> that <see cref="ReportWriter"/> wrote (the runner's <c>--report</c>).</summary>
internal static class ReportReader
{
    /// <summary>Reads the report at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">
    /// The file does not exist, is not JSON, or is not a runner report (no machine, or a workload without a name or
    /// figures).
    /// </exception>
    public static RunReport Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"--report: the file '{path}' does not exist; write one with --out.");
        }

        RunReport? report;
        try
        {
            using FileStream stream = File.OpenRead(path);
            report = JsonSerializer.Deserialize<RunReport>(stream, ReportJson.Options);
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"--report: '{path}' is not a runner report: {e.Message}", e);
        }

        // The serializer leaves a member the file lacks at its default, so a JSON file of another kind reads as an
        // empty report; these are the members the comparison needs.
        if (report is null || report.Machine is null || report.Workloads is null
            || report.Workloads.Any(w => w is null || w.Name is null || w.Figures is null || w.Figures.Any(f => f is null || f.Name is null)))
        {
            throw new ArgumentException($"--report: '{path}' is not a runner report: it lacks the machine, or a workload's name or figures.");
        }

        return report;
    }
}
