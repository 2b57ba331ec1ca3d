namespace Nabla.Data;

/// <summary><see cref="Dataset.Cache"/>: records the first complete enumeration and replays it.</summary>
internal sealed class CacheDataset : Dataset
{
    private readonly Dataset _source;
    private List<DatasetElement>? _cache;

    public CacheDataset(Dataset source)
        : base(source.HasLabels)
    {
        _source = source;
    }

    /// <summary>True once a complete enumeration has been recorded.</summary>
    internal bool IsFilled => Volatile.Read(ref _cache) is not null;

    private protected override long ComputeCardinality() => _source.Cardinality;

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        List<DatasetElement>? cache = Volatile.Read(ref _cache);
        return cache is null ? Record() : cache.GetEnumerator();
    }

    private IEnumerator<DatasetElement> Record()
    {
        // Each pass records into its own list and publishes it only when the source is exhausted: a pass that stops
        // early leaves no partial cache, and two concurrent first passes cannot interleave their elements.
        var recorded = new List<DatasetElement>();
        foreach (DatasetElement e in _source)
        {
            recorded.Add(e);
            yield return e;
        }

        Interlocked.CompareExchange(ref _cache, recorded, null);
    }
}
