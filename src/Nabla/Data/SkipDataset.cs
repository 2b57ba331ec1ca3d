namespace Nabla.Data;

/// <summary><see cref="Dataset.Skip"/>: the source without its first elements.</summary>
internal sealed class SkipDataset : Dataset
{
    private readonly Dataset _source;
    private readonly int _count;

    public SkipDataset(Dataset source, int count)
        : base(source.HasLabels)
    {
        _source = source;
        _count = count;
    }

    private protected override long ComputeCardinality()
    {
        long n = _source.Cardinality;
        return n < 0 ? n : Math.Max(n - _count, 0);
    }

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        int skipped = 0;
        foreach (DatasetElement e in _source)
        {
            if (skipped < _count)
            {
                skipped++;
                continue;
            }

            yield return e;
        }
    }
}
