using Nabla.Data;

namespace Nabla.Trainers;

/// <summary>Batches from a <see cref="Dataset"/> for the training loop: each pass is a new enumeration.</summary>
internal sealed class DatasetBatches : IBatchSource
{
    private readonly Dataset _dataset;
    private readonly string _operation;
    private readonly bool _needsLabels;
    private IEnumerator<DatasetElement>? _pass;

    public DatasetBatches(Dataset dataset, string operation, bool needsLabels)
    {
        _dataset = dataset;
        _operation = operation;
        _needsLabels = needsLabels;
        if (needsLabels && !dataset.HasLabels)
        {
            throw new ArgumentException(
                $"{operation}: the dataset has no labels. Build it from (x, y) pairs, e.g. Dataset.FromTensorSlices(x, y).", nameof(dataset));
        }
    }

    /// <inheritdoc/>
    public int? BatchCount => _dataset.Cardinality >= 0 ? (int)Math.Min(_dataset.Cardinality, int.MaxValue) : null;

    /// <summary>True when the dataset repeats forever.</summary>
    public bool IsInfinite => _dataset.Cardinality == Dataset.InfiniteCardinality;

    /// <inheritdoc/>
    public int? BatchSize => null;

    /// <inheritdoc/>
    public void Restart()
    {
        _pass?.Dispose();
        _pass = _dataset.GetEnumerator();
    }

    /// <inheritdoc/>
    public bool Next(out StepBatch batch)
    {
        if (_pass is null || !_pass.MoveNext())
        {
            batch = default;
            return false;
        }

        DatasetElement e = _pass.Current;
        if (_needsLabels && e.Y is null)
        {
            throw new ArgumentException($"{_operation}: a dataset element has no labels; every element must be an (x, y) pair.");
        }

        batch = new StepBatch([e.X], e.Y is null || !_needsLabels ? [] : [e.Y], null);
        return true;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _pass?.Dispose();
        _pass = null;
    }
}
