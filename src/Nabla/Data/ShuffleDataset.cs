namespace Nabla.Data;

/// <summary><see cref="Dataset.Shuffle"/>: tf.data's buffered shuffle.</summary>
internal sealed class ShuffleDataset : Dataset
{
    private readonly Dataset _source;
    private readonly int _bufferSize;
    private readonly ulong _baseSeed;
    private readonly bool _reshuffle;
    private long _iterations;

    public ShuffleDataset(Dataset source, int bufferSize, ulong baseSeed, bool reshuffleEachIteration)
        : base(source.HasLabels)
    {
        _source = source;
        _bufferSize = bufferSize;
        _baseSeed = baseSeed;
        _reshuffle = reshuffleEachIteration;
    }

    private protected override long ComputeCardinality() => _source.Cardinality;

    private protected override IEnumerator<DatasetElement> Enumerate()
    {
        // Iteration k draws from its own generator, derived from the base seed, so that epochs differ but the whole
        // sequence of epochs is reproducible from one seed (tf.data's reshuffle_each_iteration).
        long iteration = _reshuffle ? Interlocked.Increment(ref _iterations) - 1 : 0;
        var rng = new RandomSource(RandomSource.Mix(_baseSeed + ((ulong)iteration * 0x9E3779B97F4A7C15UL)));
        return Shuffle(rng);
    }

    private IEnumerator<DatasetElement> Shuffle(RandomSource rng)
    {
        using IEnumerator<DatasetElement> input = _source.GetEnumerator();

        // The buffer grows as it fills, so that a buffer size far above the dataset's length costs nothing.
        var buffer = new List<DatasetElement>(Math.Min(_bufferSize, 4096));
        bool more = true;
        while (true)
        {
            // Top the buffer up before each output, as tf.data does, so that no input is read earlier than needed;
            // then emit a uniformly chosen element. After the input ends this drains the buffer in random order.
            while (more && buffer.Count < _bufferSize)
            {
                if (more = input.MoveNext())
                {
                    buffer.Add(input.Current);
                }
            }

            if (buffer.Count == 0)
            {
                yield break;
            }

            int j = rng.NextInt(buffer.Count);
            DatasetElement chosen = buffer[j];
            buffer[j] = buffer[^1];
            buffer.RemoveAt(buffer.Count - 1);
            yield return chosen;
        }
    }
}
