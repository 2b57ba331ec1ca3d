using System.Globalization;
using System.Text.RegularExpressions;
using Nabla.Tests.Support;
using Nabla.Workloads.Reporting;
using Nabla.Workloads.Tests.Support;

namespace Nabla.Workloads.Tests.Reporting;

/// <summary>The <c>--peers</c> table over one or several runs: each figure the best of them, the ratio of the bests.</summary>
public partial class PeerComparisonTests
{
    private static readonly Workload[] Workloads = [new MnistMlpWorkload(), new StepWorkload()];

    [Fact]
    public void Each_side_takes_its_best_run_and_the_ratio_is_of_the_bests()
    {
        using var folder = new TempFolder();
        Reports.WritePeers(folder, "p1", torchSharpEpoch: 0.30, pyTorchEpoch: 0.60, torchSharpStep: 800, accuracy: 0.9625, peak: 205);
        Reports.WritePeers(folder, "p2", torchSharpEpoch: 0.28, pyTorchEpoch: 0.70, torchSharpStep: 770, accuracy: 0.9615, peak: 300);
        PeerComparison peers = PeerComparison.Load([Path.Combine(folder.Path, "p1"), Path.Combine(folder.Path, "p2")]);
        RunReport[] runs = [Reports.Of(null, Reports.Mnist(0.14, 0.9605), Reports.Step(60)), Reports.Of(null, Reports.Mnist(0.13, 0.9600), Reports.Step(55))];

        string output = Print(peers, runs);

        // Times: the smaller of each side's two; the ratio 0.13 / 0.28 and 55 / 770 (goals ≤ 0.40 and ≤ 0.06).
        Assert.Equal(["time per epoch", "0.130 s", "0.600 s", "0.280 s", "0.46×", "≤ 0.40×", "MISS", Share(0.13, 300), Share(0.28, 300)], Row(output, "time per epoch"));
        Assert.Equal(["time per step", "55.0 µs", "not run", "770.0 µs", "0.07×", "≤ 0.06×", "MISS"], Row(output, "time per step"));

        // Accuracy: the larger of each side's two (no PyTorch accuracy in these files).
        Assert.Equal(["test accuracy after 10 epochs", "0.9605", "not run", "0.9625", "1.00×"], Row(output, "test accuracy"));

        Assert.Contains("Each figure is the best of 2 Nabla run(s) (Nabla 0.1.0-test) and of 2 peer run(s).", output);
        Assert.Contains("FMA peak there (cpu.json, 2 threads, the highest): 300.0 GFLOP/s", output);
        Assert.Contains("Ratio goals met: 0 of 2.", output);
        Assert.Equal(300, peers.PeakGflops);
    }

    [Fact]
    public void A_goal_is_met_when_the_best_runs_meet_it()
    {
        using var folder = new TempFolder();
        Reports.WritePeers(folder, "p1", torchSharpEpoch: 0.36, pyTorchEpoch: 0.90, torchSharpStep: 1000, accuracy: 0.96, peak: null);
        PeerComparison peers = PeerComparison.Load([Path.Combine(folder.Path, "p1")]);

        string output = Print(peers, [Reports.Of(null, Reports.Mnist(0.20, 0.96), Reports.Step(70)), Reports.Of(null, Reports.Mnist(0.14, 0.96), Reports.Step(59))]);

        Assert.Equal(["time per epoch", "0.140 s", "0.900 s", "0.360 s", "0.39×", "≤ 0.40×", "pass"], Row(output, "time per epoch"));
        Assert.Equal(["time per step", "59.0 µs", "not run", "1000.0 µs", "0.06×", "≤ 0.06×", "pass"], Row(output, "time per step"));
        Assert.Contains("No cpu.json: shares of the FMA peak not shown.", output);
        Assert.Contains("Ratio goals met: 2 of 2.", output);
    }

    [Fact]
    public void A_figure_that_could_not_be_measured_does_not_count_as_best()
    {
        using var folder = new TempFolder();
        PeerComparison peers = OnePeerRun(folder);

        string output = Print(peers, [Reports.Of(null, Reports.Step(double.NaN)), Reports.Of(null, Reports.Step(64))]);
        Assert.Equal(["time per step", "64.0 µs", "not run", "800.0 µs", "0.08×", "≤ 0.06×", "MISS"], Row(output, "time per step"));

        // With no measured value at all, no ratio and no verdict.
        output = Print(peers, [Reports.Of(null, Reports.Step(double.NaN))]);
        Assert.Equal(["time per step", "n/a", "not run", "800.0 µs", "≤ 0.06×"], Row(output, "time per step"));
        Assert.Contains("Ratio goals met: 0 of 0.", output);
    }

    [Fact]
    public void One_report_and_one_folder_say_nothing_of_a_best()
    {
        using var folder = new TempFolder();
        PeerComparison peers = OnePeerRun(folder);

        string output = Print(peers, [Reports.Of(null, Reports.Step(56))]);

        Assert.DoesNotContain("best of", output);
        Assert.Contains("FMA peak there (cpu.json, 2 threads): 300.0 GFLOP/s", output);
        Assert.Equal(["time per step", "56.0 µs", "not run", "800.0 µs", "0.07×", "≤ 0.06×", "MISS"], Row(output, "time per step"));
    }

    [Fact]
    public void Reports_from_different_machines_are_refused()
    {
        using var folder = new TempFolder();
        PeerComparison peers = OnePeerRun(folder);
        RunReport[] runs = [Reports.Of(null, Reports.Step(56)), Reports.Of(Reports.Machine("AMD EPYC"), Reports.Step(50))];

        var e = Assert.Throws<ArgumentException>(() => Print(peers, runs));
        Assert.StartsWith("The reports come from different machines (", e.Message);
        Assert.Contains("AMD EPYC", e.Message);
    }

    [Fact]
    public void A_folder_that_is_missing_or_holds_no_peer_file_is_named()
    {
        using var folder = new TempFolder();
        string missing = Path.Combine(folder.Path, "none");
        Reports.Write(folder, "empty/cpu.json", """{"avx512_fma_gflops_2t": 300}""");
        string empty = Path.Combine(folder.Path, "empty");
        string good = OnePeerRun(folder).Directories[0];

        Assert.Equal($"--peers: the folder '{missing}' does not exist; run ../shared/peers/run.sh --out '{missing}' first.",
            Assert.Throws<ArgumentException>(() => PeerComparison.Load([good, missing])).Message);
        Assert.Equal($"--peers: '{empty}' holds neither pytorch-openblas.json or torchsharp.json; run ../shared/peers/run.sh --out '{empty}' first.",
            Assert.Throws<ArgumentException>(() => PeerComparison.Load([good, empty])).Message);
        Assert.StartsWith("--peers: no folder given", Assert.Throws<ArgumentException>(() => PeerComparison.Load([])).Message);
    }

    [Fact]
    public void A_peer_file_that_is_not_json_is_named()
    {
        using var folder = new TempFolder();
        string bad = Reports.Write(folder, "p1/torchsharp.json", "{\"W7\": ");

        var e = Assert.Throws<ArgumentException>(() => PeerComparison.Load([Path.Combine(folder.Path, "p1")]));
        Assert.StartsWith($"--peers: '{bad}' is not valid JSON: ", e.Message);
    }

    // One run of the peers (TorchSharp's W3 epoch 0.30 s and W7 step 800 µs, PyTorch's epoch 0.60 s, peak 300 GFLOP/s).
    private static PeerComparison OnePeerRun(TempFolder folder)
    {
        Reports.WritePeers(folder, "p1", torchSharpEpoch: 0.30, pyTorchEpoch: 0.60, torchSharpStep: 800, accuracy: 0.96, peak: 300);
        return PeerComparison.Load([Path.Combine(folder.Path, "p1")]);
    }

    private static string Print(PeerComparison peers, RunReport[] runs)
    {
        var writer = new StringWriter();
        peers.Print(runs, Workloads, writer);
        return writer.ToString();
    }

    // The cells of the table row that starts with 'figure' (cells are two or more spaces apart; empty ones vanish).
    private static string[] Row(string output, string figure) =>
        Cells().Split(output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(figure, StringComparison.Ordinal)));

    // W3's epoch as a share of the peak, as the table writes it (the workload's own FLOP count).
    private static string Share(double seconds, double peak) =>
        (100 * new MnistMlpWorkload().PeerFigures[0].Gflops!(seconds) / peak).ToString("F1", CultureInfo.InvariantCulture) + "%";

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Cells();
}
