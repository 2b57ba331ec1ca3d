using BenchmarkDotNet.Attributes;
using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>Column sums of a [rows, cols] matrix (axis 0: the [1, rows, cols] layout): row-wise vector adds against a strided scalar loop.</summary>
[MemoryDiagnoser]
public class ReductionBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];

    [Params(256, 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new System.Random(1);
        _x = new float[N * N];
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = (float)rng.NextDouble();
        }

        _y = new float[N];
    }

    [Benchmark(Baseline = true)]
    public void NaiveColumnSums()
    {
        for (int j = 0; j < N; j++)
        {
            float acc = 0f;
            for (int i = 0; i < N; i++)
            {
                acc += _x[(i * N) + j];
            }

            _y[j] = acc;
        }
    }

    [Benchmark]
    public void ReductionSumAxis0() => Reduction.Sum(_x, 1, N, N, _y);

    [Benchmark]
    public void ReductionMaxAxis0() => Reduction.Max(_x, 1, N, N, _y);
}
