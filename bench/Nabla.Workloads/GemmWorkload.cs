using System.Runtime.Intrinsics.X86;
using Nabla.Benchmarks;
using Nabla.Kernels;
using Nabla.Workloads.Measurement;
using Nabla.Workloads.Reporting;

namespace Nabla.Workloads;

/// <summary>W6: the library's SGEMM on square matrices, against the CPU's FMA peak.</summary>
/// <remarks>
/// Calls the kernel behind <c>Tensor.MatMul</c> and <c>Dense</c> directly (<see cref="Gemm.Multiply"/>, internal), on
/// preallocated arrays, so that nothing but the product is timed; <see cref="Gemm.MaxThreads"/> gives the one-core
/// figure. The peak is the register-only FMA loop shared with bench/Nabla.Benchmarks (<see cref="FmaPeak"/>).
/// </remarks>
internal sealed class GemmWorkload() : Workload("gemm", "w6",
    "SGEMM C = A·B (n × n, row-major, A and B uniform in [-1, 1)) through Nabla's kernel on all cores and on one, " +
    "and the FMA peak of a register-only loop on every core")
{
    private static readonly int[] Sizes = [512, 1024, 2048];

    // TorchSharp 0.107 on the reference machine (2 cores), GFLOP/s, for the sizes above.
    private static readonly double[] Baselines = [184, 177, 182];

    /// <inheritdoc/>
    /// <remarks>The peers' products into a preallocated C (<c>inplace_gflops</c>), as Nabla's are; they run on 2 threads.</remarks>
    public override IReadOnlyList<PeerFigure> PeerFigures { get; } =
    [
        new($"sgemm 512, {Environment.ProcessorCount} threads", "W6.n512_2t.inplace_gflops", HigherIsBetter: true, Gflops: g => g),
        new($"sgemm 1024, {Environment.ProcessorCount} threads", "W6.n1024_2t.inplace_gflops", HigherIsBetter: true, Gflops: g => g),
        new($"sgemm 2048, {Environment.ProcessorCount} threads", "W6.n2048_2t.inplace_gflops", HigherIsBetter: true, Gflops: g => g),
        new("sgemm 2048, 1 thread", "W6.n2048_1t.inplace_gflops", HigherIsBetter: true, Gflops: g => g),
    ];

    protected override WorkloadResult Execute(RunnerOptions options)
    {
        int cores = Environment.ProcessorCount;
        int runs = options.Quick ? 3 : 10;
        var minRunTime = TimeSpan.FromMilliseconds(options.Quick ? 50 : 150);
        var figures = new List<Figure>();
        double gflops2048 = double.NaN;
        for (int i = 0; i < Sizes.Length; i++)
        {
            double gflops = Gflops(Sizes[i], cores, runs, minRunTime);
            figures.Add(new Figure($"sgemm {Sizes[i]}, {cores} threads", gflops, Units.Gflops, Baseline: Baselines[i]));
            gflops2048 = Sizes[i] == 2048 ? gflops : gflops2048;
        }

        figures.Add(new Figure("sgemm 2048, 1 thread", Gflops(2048, 1, runs, minRunTime), Units.Gflops));

        // The widest FMA loop the CPU has; without FMA there is no meaningful peak to measure.
        double peak = Fma.IsSupported ? FmaPeak.MeasureGflops(cores, Avx512F.IsSupported, runs: options.Quick ? 5 : 15) : double.NaN;
        figures.Add(new Figure($"FMA peak ({(Avx512F.IsSupported ? "AVX-512" : "AVX2")}), {cores} threads", peak, Units.Gflops));
        figures.Add(new Figure($"sgemm 2048, {cores} threads, share of peak", 100 * gflops2048 / peak, Units.Percent));
        return Result($"best of {runs} runs of at least {minRunTime.TotalMilliseconds:F0} ms each, after a warm-up", figures);
    }

    private static double Gflops(int n, int threads, int runs, TimeSpan minRunTime)
    {
        var random = new System.Random(Seed);
        float[] a = BenchmarkData.Uniform(random, n * n), b = BenchmarkData.Uniform(random, n * n), c = new float[n * n];
        int saved = Gemm.MaxThreads;
        Gemm.MaxThreads = threads;
        try
        {
            double seconds = Timing.BestSecondsPerCall(() => Gemm.Multiply(false, false, n, n, n, a, n, b, n, c, n), runs, minRunTime);
            return 2.0 * n * n * n / seconds / 1e9;
        }
        finally
        {
            Gemm.MaxThreads = saved;
        }
    }
}
