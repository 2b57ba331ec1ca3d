using Nabla.Tensors;

namespace Nabla.Data;

/// <summary><see cref="Dataset.Batch"/>: stacks consecutive elements into [batch, ...] tensors.</summary>
internal sealed class BatchDataset : Dataset
{
    private readonly Dataset _source;
    private readonly int _batchSize;
    private readonly bool _dropRemainder;

    public BatchDataset(Dataset source, int batchSize, bool dropRemainder)
        : base(source.HasLabels)
    {
        _source = source;
        _batchSize = batchSize;
        _dropRemainder = dropRemainder;
    }

    private protected override long ComputeCardinality()
    {
        long n = _source.Cardinality;
        if (n < 0)
        {
            return n;
        }

        return _dropRemainder ? n / _batchSize : (n + _batchSize - 1) / _batchSize;
    }

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        var xs = new Tensor[_batchSize];
        Tensor[]? ys = HasLabels ? new Tensor[_batchSize] : null;
        int count = 0;
        long index = 0, batch = 0;
        foreach (DatasetElement e in _source)
        {
            xs[count] = e.X;
            if (ys is not null)
            {
                ys[count] = e.Y!;
            }

            count++;
            index++;
            if (count == _batchSize)
            {
                yield return Make(xs, ys, count, index - count, batch++);
                count = 0;
            }
        }

        if (count > 0 && !_dropRemainder)
        {
            yield return Make(xs, ys, count, index - count, batch);
        }
    }

    private static DatasetElement Make(Tensor[] xs, Tensor[]? ys, int count, long firstIndex, long batch) =>
        new(Stack(xs, count, firstIndex, batch, "x"), ys is null ? null : Stack(ys, count, firstIndex, batch, "y"));

    // Stacks items[0..count) along a new first axis into fresh memory (never the arena: batches are kept by callers).
    private static Tensor Stack(Tensor[] items, int count, long firstIndex, long batch, string part)
    {
        ReadOnlySpan<int> first = items[0].Dims;
        int size = items[0].Size;
        for (int i = 1; i < count; i++)
        {
            if (!ShapeUtil.SameShape(first, items[i].Dims))
            {
                string a = ShapeUtil.Format(first), b = ShapeUtil.Format(items[i].Dims);
                throw new ShapeMismatchException("Batch", a, b,
                    $"Batch: all elements of a batch must have the same shape, but {part} of element {firstIndex + i} " +
                    $"(position {i} of batch {batch}) has shape {b} while {part} of element {firstIndex} has shape {a}. " +
                    "Map the elements to one shape (for example with Reshape) before batching.");
            }
        }

        var dims = new int[first.Length + 1];
        dims[0] = count;
        first.CopyTo(dims.AsSpan(1));
        float[] storage = GC.AllocateUninitializedArray<float>(count * size);
        for (int i = 0; i < count; i++)
        {
            items[i].Span.CopyTo(storage.AsSpan(i * size, size));
        }

        return new Tensor(storage, 0, dims);
    }
}
