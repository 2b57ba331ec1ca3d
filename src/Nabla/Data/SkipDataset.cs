namespace Nabla.Data;

/// <summary><see cref="Dataset.Skip"/>: the source without its first elements.</summary>
internal sealed class SkipDataset : Dataset
{
    private readonly Dataset _source;
    private readonly int? _count;

    /// <param name="source">The dataset to skip elements of.</param>
    /// <param name="count">How many to skip; null skips every element (tf.data's <c>skip(-1)</c>).</param>
    public SkipDataset(Dataset source, int? count)
        : base(source.HasLabels)
    {
        _source = source;
        _count = count;
    }

    private protected override long ComputeCardinality()
    {
        long n = _source.Cardinality;
        if (_count is not int count)
        {
            return n == InfiniteCardinality ? UnknownCardinality : n < 0 ? n : 0;   // an endless source never ends the skip
        }

        return n < 0 ? n : Math.Max(n - count, 0);
    }

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        int skipped = 0;
        foreach (DatasetElement e in _source)
        {
            if (_count is null || skipped < _count)
            {
                skipped++;
                continue;
            }

            yield return e;
        }
    }
}
