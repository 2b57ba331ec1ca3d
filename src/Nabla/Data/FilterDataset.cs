namespace Nabla.Data;

/// <summary><see cref="Dataset.Filter(Func{Tensor, Tensor, bool})"/> and its single-tensor overload.</summary>
internal sealed class FilterDataset : Dataset
{
    private readonly Dataset _source;
    private readonly Func<DatasetElement, bool> _predicate;

    public FilterDataset(Dataset source, Func<DatasetElement, bool> predicate)
        : base(source.HasLabels)
    {
        _source = source;
        _predicate = predicate;
    }

    // As tf.data: how many elements pass is only known by enumerating, even for an infinite input.
    private protected override long ComputeCardinality() => UnknownCardinality;

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        foreach (DatasetElement e in _source)
        {
            if (_predicate(e))
            {
                yield return e;
            }
        }
    }
}
