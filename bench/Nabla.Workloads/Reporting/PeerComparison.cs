using System.Globalization;
using System.Text.Json;

namespace Nabla.Workloads.Reporting;

/// <summary>
/// The runner's <c>--peers DIR</c> table: each workload's figures beside the peers' figures for the same workload, as
/// ../shared/peers/run.sh writes them to DIR, with Nabla's figure divided by the better peer's and, for compute-bound
/// figures, each one's share of the FMA peak measured there.
/// </summary>
/// <remarks>
/// <para>
/// The peer files are <c>pytorch-openblas.json</c> and <c>torchsharp.json</c> (one object per workload, <c>W1</c> to
/// <c>W7</c>, with the fields <c>table.py</c> prints) and <c>cpu.json</c> (<c>avx512_fma_gflops_2t</c>,
/// <c>avx2_fma_gflops_2t</c>: the peak is the wider of the two that the CPU has). A missing file or workload shows as
/// "not run". The ratios mean something only when the peers ran on the same machine, just before or after the runner,
/// with nothing else busy.
/// </para>
/// <para>
/// The goals are judged on the best of two such pairs of runs, because another guest sharing the cores can only slow
/// a run down. Given several folders, each peer figure is the best of them and the peak the highest; given several
/// reports, each of Nabla's figures is the best of them (the fastest time, the highest throughput or accuracy).
/// </para>
/// </remarks>
internal sealed class PeerComparison
{
    /// <summary>The peer result files, with the names the table gives them.</summary>
    private static readonly (string File, string Name)[] PeerFiles = [("pytorch-openblas.json", "PyTorch"), ("torchsharp.json", "TorchSharp")];

    // _peers[folder][peer file], null where the folder lacks the file.
    private readonly JsonElement?[][] _peers;

    private PeerComparison(IReadOnlyList<string> directories, JsonElement?[][] peers, double? peakGflops) =>
        (Directories, _peers, PeakGflops) = (directories, peers, peakGflops);

    /// <summary>The folders the peer files were read from.</summary>
    public IReadOnlyList<string> Directories { get; }

    /// <summary>The FMA peak the table's shares are of: the highest of the folders' <c>cpu.json</c>, or null where none has one.</summary>
    public double? PeakGflops { get; }

    /// <summary>Reads the peer files in each of <paramref name="directories"/> (at least one).</summary>
    /// <exception cref="ArgumentException">
    /// No folder is given, or a folder does not exist, holds neither peer file, or has a file that is not JSON.
    /// </exception>
    public static PeerComparison Load(IReadOnlyList<string> directories)
    {
        if (directories.Count == 0)
        {
            throw new ArgumentException("--peers: no folder given; run ../shared/peers/run.sh --out DIR and pass --peers DIR.");
        }

        var peers = new JsonElement?[directories.Count][];
        double? peak = null;
        for (int d = 0; d < directories.Count; d++)
        {
            string directory = directories[d];
            if (!System.IO.Directory.Exists(directory))
            {
                throw new ArgumentException($"--peers: the folder '{directory}' does not exist; run ../shared/peers/run.sh --out '{directory}' first.");
            }

            peers[d] = new JsonElement?[PeerFiles.Length];
            for (int i = 0; i < PeerFiles.Length; i++)
            {
                peers[d][i] = Read(Path.Combine(directory, PeerFiles[i].File));
            }

            if (peers[d].All(p => p is null))
            {
                string names = string.Join(" or ", PeerFiles.Select(p => p.File));
                throw new ArgumentException($"--peers: '{directory}' holds neither {names}; run ../shared/peers/run.sh --out '{directory}' first.");
            }

            if (Read(Path.Combine(directory, "cpu.json")) is JsonElement cpu)
            {
                double avx512 = Number(cpu, "avx512_fma_gflops_2t") ?? 0, avx2 = Number(cpu, "avx2_fma_gflops_2t") ?? 0;
                if (Math.Max(avx512, avx2) is > 0 and double p)
                {
                    peak = Math.Max(peak ?? 0, p);
                }
            }
        }

        return new PeerComparison(directories, peers, peak);
    }

    /// <summary>
    /// Prints the comparison of <paramref name="reports"/>' workloads (those of <paramref name="workloads"/> that
    /// declare peer figures), each of Nabla's figures the best of the reports.
    /// </summary>
    /// <exception cref="ArgumentException">No report is given, or the reports come from different machines.</exception>
    public void Print(IReadOnlyList<RunReport> reports, IReadOnlyList<Workload> workloads, TextWriter writer)
    {
        if (reports.Count == 0)
        {
            throw new ArgumentException("No runner report to compare with the peers.");
        }

        if (reports.Select(r => (r.Machine.CpuModel, r.Machine.ProcessorCount)).Distinct().Count() > 1)
        {
            string machines = string.Join("; ", reports.Select(r => r.Machine.Summary()).Distinct());
            throw new ArgumentException($"The reports come from different machines ({machines}); the best of them would mean nothing.");
        }

        for (int d = 0; d < Directories.Count; d++)
        {
            writer.WriteLine($"Peers from {Path.GetFullPath(Directories[d])}: {Labels(_peers[d])}");
        }

        if (reports.Count > 1 || Directories.Count > 1)
        {
            string versions = string.Join(", ", reports.Select(r => r.NablaVersion).Distinct());
            writer.WriteLine($"Each figure is the best of {reports.Count} Nabla run(s) (Nabla {versions}) and of {Directories.Count} peer run(s).");
        }

        if (reports.Any(r => r.Quick))
        {
            writer.WriteLine("A report comes from a --quick run: its figures are shortened runs'.");
        }

        writer.WriteLine(PeakGflops is double peak
            ? $"FMA peak there (cpu.json, 2 threads{(Directories.Count > 1 ? ", the highest" : "")}): {Format(peak, Units.Gflops)}; shares of it in the last columns."
            : "No cpu.json: shares of the FMA peak not shown.");
        writer.WriteLine("ratio: Nabla's figure divided by the better peer's (the faster, or the more accurate).");

        string[] header = ["figure", "Nabla", PeerFiles[0].Name, PeerFiles[1].Name, "ratio", "goal", "", "Nabla % peak", "peer % peak"];
        var rows = new List<(string Workload, string[] Cells)>();
        int met = 0, goals = 0;
        foreach (Workload workload in workloads)
        {
            WorkloadResult[] results = [.. reports.SelectMany(r => r.Workloads).Where(w => w.Name == workload.Name)];
            if (results.Length == 0)
            {
                continue;
            }

            foreach (PeerFigure peerFigure in workload.PeerFigures)
            {
                Figure[] figures = [.. results.Select(r => Find(r, peerFigure)).OfType<Figure>()];
                if (figures.Length == 0)
                {
                    continue;
                }

                double value = Best(figures.Select(f => f.Value), peerFigure.HigherIsBetter) ?? double.NaN;
                double?[] values = [.. Enumerable.Range(0, PeerFiles.Length).Select(i => Best(_peers
                    .Select(folder => folder[i] is JsonElement e ? Number(e, peerFigure.PeerKey) : null)
                    .OfType<double>(), peerFigure.HigherIsBetter))];
                double? best = Best(values.OfType<double>(), peerFigure.HigherIsBetter);
                double? ratio = best is double bestValue && bestValue != 0 && !double.IsNaN(value) ? value / bestValue : null;
                bool? passed = ratio is double r && peerFigure.RatioGoal is Goal goal ? goal.IsMetBy(r) : null;
                if (passed is bool p)
                {
                    goals++;
                    met += p ? 1 : 0;
                }

                string unit = figures[0].Unit;
                rows.Add((results[0].Id + " " + results[0].Name,
                [
                    figures[0].Name,
                    Format(value, unit),
                    values[0] is double v0 ? Format(v0, unit) : "not run",
                    values[1] is double v1 ? Format(v1, unit) : "not run",
                    ratio is double rr ? rr.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "",
                    peerFigure.RatioGoal is Goal g ? (g.Direction == GoalDirection.AtMost ? "≤ " : "≥ ") + g.Limit.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "",
                    passed switch { true => "pass", false => "MISS", null => "" },
                    Share(peerFigure.OwnGflops ?? peerFigure.Gflops, double.IsNaN(value) ? null : value),
                    Share(peerFigure.Gflops, best),
                ]));
            }
        }

        int[] widths = [.. header.Select((h, c) => Math.Max(h.Length, rows.Select(r => r.Cells[c].Length).DefaultIfEmpty(0).Max()))];
        string? current = null;
        foreach ((string workload, string[] cells) in rows)
        {
            if (workload != current)
            {
                writer.WriteLine();
                writer.WriteLine(workload);
                writer.WriteLine("  " + Line(header, widths));
                current = workload;
            }

            writer.WriteLine("  " + Line(cells, widths));
        }

        writer.WriteLine();
        writer.WriteLine(rows.Count == 0 ? "No workload run here has peer figures." : $"Ratio goals met: {met} of {goals}.");
    }

    // The result's figure for a peer figure: the one of that name, or the first whose name starts with it (a name may
    // go on with a thread count or a shortened run's sample count).
    private static Figure? Find(WorkloadResult result, PeerFigure peerFigure) =>
        result.Figures.FirstOrDefault(f => f.Name == peerFigure.Figure)
        ?? result.Figures.FirstOrDefault(f => f.Name.StartsWith(peerFigure.Figure, StringComparison.Ordinal));

    // The best of the values that are numbers (the largest or the smallest), or null when there is none.
    private static double? Best(IEnumerable<double> values, bool higherIsBetter)
    {
        double[] present = [.. values.Where(v => !double.IsNaN(v))];
        return present.Length == 0 ? null : higherIsBetter ? present.Max() : present.Min();
    }

    private static string Labels(JsonElement?[] peers) => string.Join(", ", PeerFiles.Select((p, i) => peers[i] is JsonElement e
        ? $"{p.Name} = {(e.TryGetProperty("config", out JsonElement c) && c.TryGetProperty("label", out JsonElement l) ? l.ToString() : p.File)}"
        : $"{p.Name}: no {p.File}"));

    private string Share(Func<double, double>? gflops, double? value) =>
        gflops is not null && value is double v && PeakGflops is double peak
            ? (100 * gflops(v) / peak).ToString("F1", CultureInfo.InvariantCulture) + "%"
            : "";

    private static string Format(double value, string unit) => ValueFormat.Format(value, unit);

    private static JsonElement? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"--peers: '{path}' is not valid JSON: {e.Message}", e);
        }
    }

    // The number at a dotted path (W4.batch32.epoch_s_median), or null where the path or a number is missing.
    private static double? Number(JsonElement root, string path)
    {
        JsonElement e = root;
        foreach (string key in path.Split('.'))
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(key, out e))
            {
                return null;
            }
        }

        return e.ValueKind == JsonValueKind.Number ? e.GetDouble() : null;
    }

    // Names left-aligned, the rest right-aligned.
    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == 0 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd();
}
