using Nabla.Tensors;

namespace Nabla.Trainers;

/// <summary>
/// Gathers one model output over the batches of a Predict call into one tensor owned by the caller: written in place
/// when the number of rows is known (arrays), concatenated at the end otherwise (a dataset).
/// </summary>
internal sealed class PredictionCollector
{
    private readonly int? _rows;
    private Tensor? _result;
    private int _filled;
    private List<Tensor>? _parts;

    /// <summary>A collector for <paramref name="rows"/> rows in all, or for an unknown number when null.</summary>
    public PredictionCollector(int? rows) => _rows = rows;

    /// <summary>Copies one batch's output (rows first) in; the batch tensor may be recycled afterwards.</summary>
    /// <exception cref="ShapeMismatchException">The batch's shape beyond its rows differs from earlier batches'.</exception>
    public void Add(Tensor batch)
    {
        CheckShape(batch);
        if (_rows is not null)
        {
            batch.CopyTo(Rows(batch).Span.Slice(_filled * RowSize(batch)));
            _filled += batch.Dim(0);
        }
        else
        {
            (_parts ??= []).Add(batch.Memory is null ? batch.Clone() : batch.To(Device.Cpu));
        }
    }

    /// <summary>
    /// Reserves the place of one batch's output, in order, for a copy that lands later (Predict's asynchronous
    /// downloads): the host tensor and the element offset where its <c>batch.Size</c> elements go.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The batch's shape beyond its rows differs from earlier batches'.</exception>
    public (Tensor Host, int Offset) Reserve(Tensor batch)
    {
        CheckShape(batch);
        if (_rows is not null)
        {
            Tensor result = Rows(batch);
            int offset = _filled * RowSize(batch);
            _filled += batch.Dim(0);
            return (result, offset);
        }

        var part = Tensor.Zeros(batch.Shape);
        (_parts ??= []).Add(part);
        return (part, 0);
    }

    private static int RowSize(Tensor batch) => batch.Dim(0) == 0 ? 0 : batch.Size / batch.Dim(0);

    /// <summary>The result tensor (made on the first batch), after checking that <paramref name="batch"/>'s rows fit.</summary>
    private Tensor Rows(Tensor batch)
    {
        int rows = _rows!.Value;
        if (_result is null)
        {
            int[] dims = batch.Shape;
            dims[0] = rows;
            _result = Tensor.Zeros(dims);
        }

        if (_filled + batch.Dim(0) > rows)
        {
            throw new InvalidOperationException($"Predict: the batches held more than the {rows} rows expected.");
        }

        return _result;
    }

    private void CheckShape(Tensor batch)
    {
        if (batch.Rank == 0)
        {
            throw new ShapeMismatchException("Predict", "outputs with a batch axis", "[]",
                "Predict: the model returned a scalar for a batch; its outputs must have the batch's rows first.");
        }

        Tensor? first = _result ?? (_parts is { Count: > 0 } ? _parts[0] : null);
        if (first is not null && !ShapeUtil.SameShape(first.Dims[1..], batch.Dims[1..]))
        {
            throw new ShapeMismatchException("Predict", ShapeUtil.Format(first.Dims), ShapeUtil.Format(batch.Dims),
                $"Predict: batch outputs differ in shape beyond the batch axis: {ShapeUtil.Format(first.Dims)} and {ShapeUtil.Format(batch.Dims)}.");
        }
    }

    /// <summary>The collected output: every row, in order.</summary>
    public Tensor Result()
    {
        if (_result is not null)
        {
            return _filled == _result.Dim(0) ? _result : _result[.._filled].Clone();   // fewer rows when steps cut it short
        }

        List<Tensor> parts = _parts ?? throw new InvalidOperationException("Predict produced no batches.");
        int[] dims = parts[0].Shape;
        dims[0] = parts.Sum(p => p.Dim(0));
        Tensor result = Tensor.Zeros(dims);
        int offset = 0;
        foreach (Tensor p in parts)
        {
            p.Span.CopyTo(result.Span[offset..]);
            offset += p.Size;
        }

        return result;
    }
}
