using BenchmarkDotNet.Attributes;
using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>
/// Gathering a shuffled batch of 784-float rows out of a 60,000-row training set (188 MB, as Fashion-MNIST): the kernel
/// behind Fit's shuffled batches against a row-by-row copy on the calling thread, and a contiguous copy of the same
/// size as the floor.
/// </summary>
[MemoryDiagnoser]
public class RowGatherBenchmarks
{
    private const int Rows = 60_000, RowLength = 784;

    private float[] _source = [];
    private float[] _batch = [];
    private int[] _order = [];
    private int _cursor;

    [Params(32, 256)]
    public int BatchSize { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _source = new float[Rows * RowLength];
        for (int i = 0; i < _source.Length; i += 97)
        {
            _source[i] = i;
        }

        _batch = new float[BatchSize * RowLength];
        var random = new System.Random(42);
        _order = Enumerable.Range(0, Rows).OrderBy(_ => random.Next()).ToArray();
    }

    // Each call takes the next batch of the shuffled order, as an epoch does, so no batch is served from the cache.
    private ReadOnlySpan<int> NextBatch()
    {
        if (_cursor + BatchSize > Rows)
            _cursor = 0;
        ReadOnlySpan<int> rows = _order.AsSpan(_cursor, BatchSize);
        _cursor += BatchSize;
        return rows;
    }

    [Benchmark(Baseline = true)]
    public void RowByRow()
    {
        ReadOnlySpan<int> rows = NextBatch();
        for (int i = 0; i < rows.Length; i++)
            _source.AsSpan(rows[i] * RowLength, RowLength).CopyTo(_batch.AsSpan(i * RowLength, RowLength));
    }

    [Benchmark]
    public void Kernel() => RowGather.Copy(_source, NextBatch(), RowLength, _batch);

    [Benchmark]
    public void Contiguous()
    {
        int start = NextBatch()[0] % (Rows - BatchSize);
        _source.AsSpan(start * RowLength, BatchSize * RowLength).CopyTo(_batch);
    }
}
