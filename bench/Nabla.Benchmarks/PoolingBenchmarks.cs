using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>The W5 CNN's 2×2 max pooling after each convolution, forward (with argmax) and backward, on all cores; batch 32 and the inference batch 256.</summary>
[Config(typeof(Config))]
public class PoolingBenchmarks
{
    private Pool2DGeometry _geometry;
    private float[] _x = [], _y = [];
    private int[] _argmax = [];

    /// <summary>"batch×size×channels": the pooled activation.</summary>
    [Params("32x28x28x32", "32x14x14x64", "256x28x28x32")]
    public string Input { get; set; } = "32x28x28x32";

    [GlobalSetup]
    public void Setup()
    {
        int[] d = [.. Input.Split('x').Select(int.Parse)];
        _geometry = Pool2DGeometry.Create(d[0], d[1], d[2], d[3], 2, 2, 2, 2, PaddingMode.Valid);
        _x = BenchmarkData.Uniform(new System.Random(42), _geometry.InputLength);
        _y = new float[_geometry.OutputLength];
        _argmax = new int[_geometry.OutputLength];
        Pooling.MaxForward(_geometry, _x, _y, _argmax);
    }

    [Benchmark]
    public void MaxForward() => Pooling.MaxForward(_geometry, _x, _y, _argmax);

    [Benchmark]
    public void MaxBackward() => Pooling.MaxBackward(_geometry, _y, _argmax, _x);

    [Benchmark]
    public void MaxForwardInference() => Pooling.MaxForward(_geometry, _x, _y, default);

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithWarmupCount(4).WithIterationCount(15));
    }
}
