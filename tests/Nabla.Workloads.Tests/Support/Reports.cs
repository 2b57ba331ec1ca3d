using Nabla.Tests.Support;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads.Tests.Support;

/// <summary>Runner reports made up for the tests: one machine, and the workloads and figures a test names.</summary>
internal static class Reports
{
    /// <summary>A machine like the one the sessions measure on.</summary>
    public static MachineInfo Machine(string cpu = "Intel(R) Xeon(R) Processor") =>
        new(2, cpu, "Debian GNU/Linux 12 (bookworm)", ".NET 10.0.12", "X64", Avx512F: true, Avx2: true, Fma: true,
            Vector512Accelerated: true, ServerGc: false);

    /// <summary>A report of <paramref name="workloads"/>, taken on <paramref name="machine"/> (default <see cref="Machine"/>).</summary>
    public static RunReport Of(MachineInfo? machine = null, params WorkloadResult[] workloads) =>
        new(new DateTimeOffset(2026, 12, 6, 9, 23, 46, TimeSpan.Zero), "0.1.0-test", Quick: false, RunReport.SteadyStateRule,
            machine ?? Machine(), workloads);

    /// <summary>W7's result with its time per step.</summary>
    public static WorkloadResult Step(double microseconds) =>
        new("step", "w7", "W4's model at batch 1", "epoch 1 of 1", [new Figure("time per step", microseconds, Units.Microseconds, Goal.AtMost(20), 399)], []);

    /// <summary>W3's result with its time per epoch and its accuracy.</summary>
    public static WorkloadResult Mnist(double seconds, double accuracy) =>
        new("mnist-mlp", "w3", "Flatten-Dense(512)-Dense(512)-Dense(10)", "epochs 2-10 of 10",
        [
            new Figure("time per epoch", seconds, Units.Seconds, Goal.AtMost(0.14), 0.28),
            new Figure("test accuracy after 10 epochs", accuracy, Units.None, Goal.AtLeast(0.95)),
        ], []);

    /// <summary>The peers' files for one run of ../shared/peers/run.sh: W3's and W7's figures and the FMA peak.</summary>
    public static void WritePeers(TempFolder folder, string name, double torchSharpEpoch, double pyTorchEpoch, double torchSharpStep, double accuracy, double? peak)
    {
        Write(folder, $"{name}/torchsharp.json",
            $$$"""{"config": {"label": "torchsharp-0.107.0"}, "W3": {"epoch_s_median_2_10": {{{torchSharpEpoch}}}, "test_accuracy": {{{accuracy}}}}, "W7": {"us_per_step": {{{torchSharpStep}}}}}""");
        Write(folder, $"{name}/pytorch-openblas.json",
            $$$"""{"config": {"label": "pytorch-1.13"}, "W3": {"epoch_s_median_2_10": {{{pyTorchEpoch}}}}}""");
        if (peak is double p)
        {
            Write(folder, $"{name}/cpu.json", $$$"""{"avx512_fma_gflops_2t": {{{p}}}, "avx2_fma_gflops_2t": {{{p / 2}}}}""");
        }
    }

    /// <summary>Writes <paramref name="text"/> to the file <paramref name="name"/> in <paramref name="folder"/> and returns its path.</summary>
    public static string Write(TempFolder folder, string name, string text)
    {
        string path = folder.File(name);
        File.WriteAllText(path, text);
        return path;
    }
}
