using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>Square SGEMM, C = A·B with n×n operands, on each instruction-set path and thread count.</summary>
/// <remarks>Compare the GFLOP/s columns with <see cref="PeakFmaBenchmarks"/>, the FMA peak of the same cores.</remarks>
[Config(typeof(Config))]
public class GemmBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [Params(128, 512, 1024, 2048)]
    public int N { get; set; }

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    [ParamsSource(nameof(Paths))]
    public string Path { get; set; } = nameof(GemmPath.Auto);

    public static IEnumerable<int> ThreadCounts => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    // Auto is the path a user gets; the forced ones show what each kernel does on this CPU.
    public static IEnumerable<string> Paths =>
        new[] { GemmPath.Auto, GemmPath.Avx512, GemmPath.Avx2 }.Where(Gemm.IsSupported).Select(p => p.ToString());

    [GlobalSetup]
    public void Setup()
    {
        var random = new System.Random(42);
        _a = BenchmarkData.Uniform(random, N * N);
        _b = BenchmarkData.Uniform(random, N * N);
        _c = new float[N * N];
        Gemm.ForcedPath = Enum.Parse<GemmPath>(Path);
        Gemm.MaxThreads = Threads;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Gemm.ForcedPath = GemmPath.Auto;
        Gemm.MaxThreads = Environment.ProcessorCount;
    }

    [Benchmark]
    public void Multiply() => Gemm.Multiply(false, false, N, N, N, _a, N, _b, N, _c, N);

    private static double Flops(BenchmarkCase benchmarkCase)
    {
        double n = (int)benchmarkCase.Parameters[nameof(N)];
        return 2 * n * n * n;
    }

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(4).WithIterationCount(15));
            AddColumn(new GflopsColumn(Flops, best: false), new GflopsColumn(Flops, best: true));
        }
    }
}
