using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Models;

/// <summary>
/// Batches of in-memory arrays for Fit, Evaluate and Predict: rows gathered (in order or shuffled) into reusable
/// buffers, so iterating allocates nothing once warm.
/// </summary>
internal sealed class ArrayBatcher : IBatchSource
{
    private readonly Tensor _x;
    private readonly Tensor? _y;
    private readonly int _samples;
    private readonly int _batchSize;
    private readonly RandomSource? _shuffle;
    private readonly int[] _order;
    private int _cursor;
    private Tensor? _xFull, _yFull, _xLast, _yLast;

    /// <summary>Batches of <paramref name="batchSize"/> rows of x (and y), shuffled each pass when <paramref name="shuffle"/> is given.</summary>
    public ArrayBatcher(Tensor x, Tensor? y, int batchSize, RandomSource? shuffle)
    {
        _x = x;
        _y = y;
        _samples = x.Rank == 0 ? 1 : x.Dim(0);
        _batchSize = Math.Max(1, Math.Min(batchSize, Math.Max(_samples, 1)));
        _shuffle = shuffle;
        _order = new int[_samples];
        for (int i = 0; i < _samples; i++)
        {
            _order[i] = i;
        }
    }

    /// <inheritdoc/>
    public int? BatchCount => (_samples + _batchSize - 1) / _batchSize;

    /// <summary>The batch size used.</summary>
    public int BatchSize => _batchSize;

    /// <inheritdoc/>
    public void Restart()
    {
        _cursor = 0;
        _shuffle?.Shuffle(_order);
    }

    /// <inheritdoc/>
    public bool Next(out Tensor x, out Tensor? y)
    {
        int count = Math.Min(_batchSize, _samples - _cursor);
        if (count <= 0)
        {
            x = null!;
            y = null;
            return false;
        }

        bool full = count == _batchSize;
        x = Gather(_x, count, ref full ? ref _xFull : ref _xLast);
        y = _y is null ? null : Gather(_y, count, ref full ? ref _yFull : ref _yLast);
        _cursor += count;
        return true;
    }

    private Tensor Gather(Tensor source, int count, ref Tensor? buffer)
    {
        if (buffer is null || buffer.Dim(0) != count)
        {
            int[] dims = source.Shape;
            dims[0] = count;
            buffer = Tensor.Zeros(dims);
        }

        int row = source.Dim(0) == 0 ? 0 : source.Size / source.Dim(0);
        ReadOnlySpan<float> src = source.Span;
        Span<float> dst = buffer.Span;
        if (_shuffle is null)
        {
            src.Slice(_cursor * row, count * row).CopyTo(dst);
        }
        else
        {
            RowGather.Copy(src, _order.AsSpan(_cursor, count), row, dst);
        }

        return buffer;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
    }

    /// <summary>Throws unless x and y have the same number of samples.</summary>
    public static void CheckLengths(string operation, Tensor x, Tensor? y)
    {
        if (x.Rank == 0)
        {
            throw new ShapeMismatchException(operation, "x of rank >= 1 (samples first)", "[]",
                $"{operation}: x must have a first (sample) axis, but received a scalar of shape [].");
        }

        if (y is not null && (y.Rank == 0 || y.Dim(0) != x.Dim(0)))
        {
            string sx = ShapeUtil.Format(x.Dims), sy = ShapeUtil.Format(y.Dims);
            throw new ArgumentException(
                $"{operation}: x and y must have the same number of samples, but x has {x.Dim(0)} (shape {sx}) and y has {(y.Rank == 0 ? 0 : y.Dim(0))} (shape {sy}).");
        }
    }
}
