using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Nabla.Benchmarks;

/// <summary>The CPU's FMA peak in GFLOP/s: register-only FMA chains on every core at once (through the runner).</summary>
/// <remarks>The ceiling for <see cref="GemmBenchmarks"/>; see <see cref="FmaPeak"/> for the loops.</remarks>
[Config(typeof(Config))]
public class PeakFmaBenchmarks
{
    private const long Iterations = 10_000_000;

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    public static IEnumerable<int> ThreadCounts => GemmBenchmarks.ThreadCounts;

    [Benchmark]
    public float Avx512()
    {
        if (!Avx512F.IsSupported)
            throw new PlatformNotSupportedException("This CPU has no AVX-512.");
        return FmaPeak.RunAvx512(Iterations, Threads);
    }

    [Benchmark]
    public float Avx2()
    {
        if (!Fma.IsSupported)
            throw new PlatformNotSupportedException("This CPU has no FMA.");
        return FmaPeak.RunAvx2(Iterations, Threads);
    }

    private static double Flops(BenchmarkCase benchmarkCase)
    {
        int threads = (int)benchmarkCase.Parameters[nameof(Threads)];
        int perIteration = benchmarkCase.Descriptor.WorkloadMethod.Name == nameof(Avx512)
            ? FmaPeak.Avx512FlopsPerIteration
            : FmaPeak.Avx2FlopsPerIteration;
        return (double)Iterations * threads * perIteration;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(10));
            AddColumn(new GflopsColumn(Flops, best: false), new GflopsColumn(Flops, best: true));
        }
    }
}
