using System.Globalization;
using System.Text.Json;

namespace Nabla.Workloads.Reporting;

/// <summary>
/// The runner's <c>--peers DIR</c> table: each workload's figures beside the peers' figures for the same workload, as
/// ../shared/peers/run.sh writes them to DIR, with Nabla's figure divided by the better peer's and, for compute-bound
/// figures, each one's share of the FMA peak measured there.
/// </summary>
/// <remarks>
/// The peer files are <c>pytorch-openblas.json</c> and <c>torchsharp.json</c> (one object per workload, <c>W1</c> to
/// <c>W7</c>, with the fields <c>table.py</c> prints) and <c>cpu.json</c> (<c>avx512_fma_gflops_2t</c>,
/// <c>avx2_fma_gflops_2t</c>: the peak is the wider of the two that the CPU has). A missing file or workload shows as
/// "not run". The ratios mean something only when the peers ran on the same machine, just before or after the runner,
/// with nothing else busy.
/// </remarks>
internal sealed class PeerComparison
{
    /// <summary>The peer result files, with the names the table gives them.</summary>
    private static readonly (string File, string Name)[] PeerFiles = [("pytorch-openblas.json", "PyTorch"), ("torchsharp.json", "TorchSharp")];

    private readonly JsonElement?[] _peers;
    private readonly double? _peakGflops;

    private PeerComparison(string directory, JsonElement?[] peers, double? peakGflops) =>
        (Directory, _peers, _peakGflops) = (directory, peers, peakGflops);

    /// <summary>The folder the peer files were read from.</summary>
    public string Directory { get; }

    /// <summary>Reads the peer files in <paramref name="directory"/>.</summary>
    /// <exception cref="ArgumentException">The folder does not exist, holds neither peer file, or a file is not JSON.</exception>
    public static PeerComparison Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new ArgumentException($"--peers: the folder '{directory}' does not exist; run ../shared/peers/run.sh --out '{directory}' first.");
        }

        var peers = new JsonElement?[PeerFiles.Length];
        for (int i = 0; i < PeerFiles.Length; i++)
        {
            peers[i] = Read(Path.Combine(directory, PeerFiles[i].File));
        }

        if (peers.All(p => p is null))
        {
            string names = string.Join(" or ", PeerFiles.Select(p => p.File));
            throw new ArgumentException($"--peers: '{directory}' holds neither {names}; run ../shared/peers/run.sh --out '{directory}' first.");
        }

        double? peak = null;
        if (Read(Path.Combine(directory, "cpu.json")) is JsonElement cpu)
        {
            double avx512 = Number(cpu, "avx512_fma_gflops_2t") ?? 0, avx2 = Number(cpu, "avx2_fma_gflops_2t") ?? 0;
            peak = Math.Max(avx512, avx2) is > 0 and double p ? p : null;
        }

        return new PeerComparison(directory, peers, peak);
    }

    /// <summary>Prints the comparison of <paramref name="report"/>'s workloads (those of <paramref name="workloads"/> that declare peer figures).</summary>
    public void Print(RunReport report, IReadOnlyList<Workload> workloads, TextWriter writer)
    {
        writer.WriteLine($"Peers from {Path.GetFullPath(Directory)}: {Labels()}");
        writer.WriteLine(_peakGflops is double peak
            ? $"FMA peak there (cpu.json, 2 threads): {Format(peak, Units.Gflops)}; shares of it in the last columns."
            : "No cpu.json: shares of the FMA peak not shown.");
        writer.WriteLine("ratio: Nabla's figure divided by the better peer's (the faster, or the more accurate).");

        string[] header = ["figure", "Nabla", PeerFiles[0].Name, PeerFiles[1].Name, "ratio", "goal", "", "Nabla % peak", "peer % peak"];
        var rows = new List<(string Workload, string[] Cells)>();
        int met = 0, goals = 0;
        foreach (WorkloadResult result in report.Workloads)
        {
            Workload? workload = workloads.FirstOrDefault(w => w.Name == result.Name);
            foreach (PeerFigure peerFigure in workload?.PeerFigures ?? [])
            {
                Figure? figure = result.Figures.FirstOrDefault(f => f.Name == peerFigure.Figure)
                    ?? result.Figures.FirstOrDefault(f => f.Name.StartsWith(peerFigure.Figure, StringComparison.Ordinal));
                if (figure is null)
                {
                    continue;
                }

                double?[] values = [.. _peers.Select(p => p is JsonElement e ? Number(e, peerFigure.PeerKey) : null)];
                double[] present = [.. values.Where(v => v.HasValue).Select(v => v!.Value)];
                double? best = present.Length == 0 ? null : peerFigure.HigherIsBetter ? present.Max() : present.Min();
                double? ratio = best is double bestValue && bestValue != 0 ? figure.Value / bestValue : null;
                bool? passed = ratio is double r && peerFigure.RatioGoal is Goal goal ? goal.IsMetBy(r) : null;
                if (passed is bool p)
                {
                    goals++;
                    met += p ? 1 : 0;
                }

                rows.Add((result.Id + " " + result.Name,
                [
                    figure.Name,
                    Format(figure.Value, figure.Unit),
                    values[0] is double v0 ? Format(v0, figure.Unit) : "not run",
                    values[1] is double v1 ? Format(v1, figure.Unit) : "not run",
                    ratio is double rr ? rr.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "",
                    peerFigure.RatioGoal is Goal g ? (g.Direction == GoalDirection.AtMost ? "≤ " : "≥ ") + g.Limit.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "",
                    passed switch { true => "pass", false => "MISS", null => "" },
                    Share(peerFigure.OwnGflops ?? peerFigure.Gflops, figure.Value),
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

    private string Labels() => string.Join(", ", PeerFiles.Select((p, i) => _peers[i] is JsonElement e
        ? $"{p.Name} = {(e.TryGetProperty("config", out JsonElement c) && c.TryGetProperty("label", out JsonElement l) ? l.ToString() : p.File)}"
        : $"{p.Name}: no {p.File}"));

    private string Share(Func<double, double>? gflops, double? value) =>
        gflops is not null && value is double v && _peakGflops is double peak
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
