using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Trainers;

/// <summary>
/// Batches of in-memory arrays for Fit, Evaluate and Predict: the rows of every input, target and weight array,
/// gathered in one order (in order or shuffled).
/// </summary>
/// <remarks>
/// In order, a batch is a view of the arrays' rows (no copy). Shuffled, rows are gathered into buffers. When
/// <c>reuseBuffers</c> is set (the library's own steps, which keep nothing) the same tensor objects and buffers serve
/// every batch, so iterating allocates nothing once warm; otherwise every batch gets its own, since a user's
/// overridden step may keep one.
/// </remarks>
internal sealed class ArrayBatcher : IBatchSource
{
    private readonly Tensor[] _x;
    private readonly Tensor[] _y;
    private readonly Tensor? _weights;
    private readonly int _samples;
    private readonly int _batchSize;
    private readonly RandomSource? _shuffle;
    private readonly bool _reuse;
    private readonly int[] _order;
    private readonly Tensor[] _xBatch, _yBatch;
    private readonly Tensor?[] _xFull, _xLast, _yFull, _yLast;
    private Tensor? _wFull, _wLast;
    private readonly Distributed.DistributionStrategy? _shard;
    private int _cursor;

    /// <summary>Batches of <paramref name="batchSize"/> rows, shuffled each pass when <paramref name="shuffle"/> is given.</summary>
    /// <param name="x">The input arrays, all with the same number of rows.</param>
    /// <param name="y">The target arrays (empty when predicting), with x's number of rows.</param>
    /// <param name="weights">Per-sample weights [samples], or null.</param>
    /// <param name="batchSize">Rows per batch; the last batch may be shorter.</param>
    /// <param name="shuffle">The generator that reorders the rows before each pass, or null to keep them in order.</param>
    /// <param name="reuseBuffers">Whether shuffled batches may share buffers (only when no user code keeps a batch).</param>
    /// <param name="shard">In data-parallel training, the strategy whose rank's share of each batch is gathered, or null for whole batches.</param>
    public ArrayBatcher(Tensor[] x, Tensor[] y, Tensor? weights, int batchSize, RandomSource? shuffle, bool reuseBuffers,
        Distributed.DistributionStrategy? shard = null)
    {
        _shard = shard;
        _x = x;
        _y = y;
        _weights = weights;
        _samples = x[0].Dim(0);
        _batchSize = Math.Max(1, Math.Min(batchSize, Math.Max(_samples, 1)));
        _shuffle = shuffle;
        _reuse = reuseBuffers;
        _order = shuffle is null ? [] : new int[_samples];
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        _xBatch = new Tensor[x.Length];
        _yBatch = new Tensor[y.Length];
        (_xFull, _xLast, _yFull, _yLast) = (new Tensor?[x.Length], new Tensor?[x.Length], new Tensor?[y.Length], new Tensor?[y.Length]);
    }

    /// <inheritdoc/>
    public int? BatchCount => (_samples + _batchSize - 1) / _batchSize;

    /// <inheritdoc/>
    public int? BatchSize => _batchSize;

    /// <inheritdoc/>
    public void Restart()
    {
        _cursor = 0;
        _shuffle?.Shuffle(_order);
    }

    /// <inheritdoc/>
    public bool Next(out StepBatch batch)
    {
        int count = Math.Min(_batchSize, _samples - _cursor);
        if (count <= 0)
        {
            batch = default;
            return false;
        }

        bool full = count == _batchSize;
        Tensor[] xb = _reuse ? _xBatch : new Tensor[_x.Length], yb = _reuse ? _yBatch : new Tensor[_y.Length];

        // In data-parallel training each rank gathers only its share of the global batch (the same rows a whole batch
        // would give it), so no rank copies rows it does not train on.
        (int start, int rows) = _shard is null ? (0, count) : _shard.RowsOf(count);
        int from = _cursor + start;
        for (int i = 0; i < _x.Length; i++)
        {
            xb[i] = Rows(_x[i], from, rows, ref full ? ref _xFull[i] : ref _xLast[i]);
        }

        for (int i = 0; i < _y.Length; i++)
        {
            yb[i] = Rows(_y[i], from, rows, ref full ? ref _yFull[i] : ref _yLast[i]);
        }

        Tensor? wb = _weights is null ? null : Rows(_weights, from, rows, ref full ? ref _wFull : ref _wLast);
        _cursor += count;
        batch = new StepBatch(xb, yb, wb, _shard is null ? 0 : count);
        return true;
    }

    private Tensor Rows(Tensor source, int from, int count, ref Tensor? buffer)
    {
        int row = source.Dim(0) == 0 ? 0 : source.Size / source.Dim(0);
        if (_shuffle is null)
        {
            // Rows in order are contiguous: the batch is a view of them. Reused, its tensor object is re-pointed.
            if (!_reuse)
            {
                return source[from..(from + count)];
            }

            Span<int> dims = stackalloc int[source.Rank];
            source.Dims.CopyTo(dims);
            dims[0] = count;
            if (buffer is null)
            {
                buffer = new Tensor(source.Storage, source.Offset + (from * row), dims.ToArray());
            }
            else
            {
                buffer.Reset(source.Storage, source.Offset + (from * row), dims);
            }

            return buffer;
        }

        if (!_reuse || buffer is null || buffer.Dim(0) != count)
        {
            int[] dims = source.Shape;
            dims[0] = count;
            buffer = Tensor.Zeros(dims);
        }

        RowGather.Copy(source.Span, _order.AsSpan(from, count), row, buffer.Span);
        return buffer;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }
}
