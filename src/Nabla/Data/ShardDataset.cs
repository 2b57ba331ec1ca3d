namespace Nabla.Data;

/// <summary><see cref="Dataset.Shard"/>: every <c>numShards</c>-th element of the source, starting at <c>index</c>.</summary>
internal sealed class ShardDataset : Dataset
{
    private readonly Dataset _source;
    private readonly int _numShards;
    private readonly int _index;

    public ShardDataset(Dataset source, int numShards, int index)
        : base(source.HasLabels)
    {
        _source = source;
        _numShards = numShards;
        _index = index;
    }

    // As tf.data: element i is kept when i % numShards == index, so of n elements this shard gets n / numShards,
    // plus one when index < n % numShards.
    private protected override long ComputeCardinality()
    {
        long n = _source.Cardinality;
        return n < 0 ? n : (n / _numShards) + (_index < n % _numShards ? 1 : 0);
    }

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        long position = 0;
        foreach (DatasetElement e in _source)
        {
            if (position++ % _numShards == _index)
            {
                yield return e;
            }
        }
    }
}
