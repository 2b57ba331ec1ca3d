namespace Nabla.Data;

/// <summary><see cref="Dataset.Take"/>: the first elements of the source.</summary>
internal sealed class TakeDataset : Dataset
{
    private readonly Dataset _source;
    private readonly int _count;

    public TakeDataset(Dataset source, int count)
        : base(source.HasLabels)
    {
        _source = source;
        _count = count;
    }

    private protected override long ComputeCardinality()
    {
        long n = _source.Cardinality;
        return n switch
        {
            InfiniteCardinality => _count,
            UnknownCardinality => UnknownCardinality,
            _ => Math.Min(n, _count),
        };
    }

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        if (_count == 0)
        {
            yield break;
        }

        // Stop right after the last wanted element, without asking the source for one more.
        int taken = 0;
        foreach (DatasetElement e in _source)
        {
            yield return e;
            if (++taken == _count)
            {
                yield break;
            }
        }
    }
}
