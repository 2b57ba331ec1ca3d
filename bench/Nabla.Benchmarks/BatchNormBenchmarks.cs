using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>Batch normalization of the W5 CNN's convolution outputs (the sample's --bn variant): training forward and backward, inference forward, on all cores.</summary>
[Config(typeof(Config))]
public class BatchNormBenchmarks
{
    private int _rows, _channels;
    private float[] _x = [], _y = [], _gamma = [], _beta = [], _mean = [], _variance = [], _inverseStd = [], _dgamma = [], _dbeta = [];

    /// <summary>"rows×channels": batch·height·width rows of the channels.</summary>
    [Params("25088x32", "6272x64")]
    public string Input { get; set; } = "25088x32";

    [GlobalSetup]
    public void Setup()
    {
        int[] d = [.. Input.Split('x').Select(int.Parse)];
        (_rows, _channels) = (d[0], d[1]);
        var random = new System.Random(42);
        _x = BenchmarkData.Uniform(random, _rows * _channels);
        _y = new float[_rows * _channels];
        _gamma = BenchmarkData.Uniform(random, _channels);
        _beta = BenchmarkData.Uniform(random, _channels);
        (_mean, _variance, _inverseStd, _dgamma, _dbeta) = (new float[_channels], new float[_channels], new float[_channels], new float[_channels], new float[_channels]);
        TrainingForward();
    }

    [Benchmark]
    public void TrainingForward() =>
        BatchNorm.TrainingForward(_x, _rows, _channels, _gamma, _beta, 1e-3f, _y, _mean, _variance, _inverseStd);

    [Benchmark]
    public void Backward() =>
        BatchNorm.Backward(_x, _x, _rows, _channels, _mean, _inverseStd, _gamma, _y, _dgamma, _dbeta);

    [Benchmark]
    public void InferenceForward() =>
        BatchNorm.InferenceForward(_x, _rows, _channels, _gamma, _beta, _mean, _variance, 1e-3f, _y);

    private sealed class Config : ManualConfig
    {
        public Config() => AddJob(Job.Default.WithWarmupCount(4).WithIterationCount(15));
    }
}
