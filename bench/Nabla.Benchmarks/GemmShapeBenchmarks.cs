using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>The GEMMs of an MLP training step (forward NN, dX = dY·Wᵀ as NT, dW = Xᵀ·dY as TN), 1 and all threads.</summary>
[Config(typeof(Config))]
public class GemmShapeBenchmarks
{
    private float[] _a = [], _b = [], _c = [];

    [ParamsSource(nameof(Shapes))]
    public GemmShape Shape { get; set; } = GemmShape.Backprop[0];

    [ParamsSource(nameof(ThreadCounts))]
    public int Threads { get; set; }

    public static IEnumerable<GemmShape> Shapes => GemmShape.Backprop;

    public static IEnumerable<int> ThreadCounts => GemmBenchmarks.ThreadCounts;

    [GlobalSetup]
    public void Setup()
    {
        var random = new System.Random(42);
        _a = BenchmarkData.Uniform(random, Shape.M * Shape.K);
        _b = BenchmarkData.Uniform(random, Shape.K * Shape.N);
        _c = new float[Shape.M * Shape.N];
        Gemm.MaxThreads = Threads;
    }

    [GlobalCleanup]
    public void Cleanup() => Gemm.MaxThreads = Environment.ProcessorCount;

    [Benchmark]
    public void Multiply()
    {
        GemmShape s = Shape;
        Gemm.Multiply(s.TransposeA, s.TransposeB, s.M, s.N, s.K, _a, s.TransposeA ? s.M : s.K, _b, s.TransposeB ? s.K : s.N, _c, s.N);
    }

    private static double Flops(BenchmarkCase benchmarkCase) => ((GemmShape)benchmarkCase.Parameters[nameof(Shape)]).Flops;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(4).WithIterationCount(15));
            AddColumn(new GflopsColumn(Flops, best: false), new GflopsColumn(Flops, best: true));
        }
    }
}
