using BenchmarkDotNet.Attributes;

namespace Nabla.Benchmarks;

/// <summary>Matrix transpose: the tiled kernel against the plain double loop.</summary>
[MemoryDiagnoser]
public class TransposeBenchmarks
{
    private float[] _x = [];
    private float[] _y = [];

    [Params(256, 1024)]
    public int N { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _x = new float[N * N];
        for (int i = 0; i < _x.Length; i++)
        {
            _x[i] = i;
        }

        _y = new float[N * N];
    }

    [Benchmark(Baseline = true)]
    public void Naive()
    {
        for (int i = 0; i < N; i++)
        {
            for (int j = 0; j < N; j++)
            {
                _y[(j * N) + i] = _x[(i * N) + j];
            }
        }
    }

    [Benchmark]
    public void Tiled() => Kernels.Transpose.Matrix(_x, N, N, _y);
}
