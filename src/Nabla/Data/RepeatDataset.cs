namespace Nabla.Data;

/// <summary><see cref="Dataset.Repeat"/>: enumerates the source again and again.</summary>
internal sealed class RepeatDataset : Dataset
{
    private readonly Dataset _source;
    private readonly int? _count;

    /// <param name="source">The dataset to repeat.</param>
    /// <param name="count">How many passes; null for forever.</param>
    public RepeatDataset(Dataset source, int? count)
        : base(source.HasLabels)
    {
        _source = source;
        _count = count;
    }

    private protected override long ComputeCardinality()
    {
        long n = _source.Cardinality;
        if (_count == 0 || n == 0)
        {
            return 0;
        }

        if (n < 0)
        {
            return n;
        }

        return _count is int c ? n * c : InfiniteCardinality;
    }

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        for (long pass = 0; _count is null || pass < _count; pass++)
        {
            bool any = false;
            foreach (DatasetElement e in _source)
            {
                any = true;
                yield return e;
            }

            // An empty pass means every pass is empty (tf.data stops too): repeating forever would hang.
            if (!any)
            {
                yield break;
            }
        }
    }
}
