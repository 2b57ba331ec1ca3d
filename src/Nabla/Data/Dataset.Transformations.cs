namespace Nabla.Data;

// The transformations, each a thin factory over one internal dataset class (MapDataset, BatchDataset, ...). Each
// checks its arguments here, when the pipeline is built, so that a bad argument fails at the line that wrote it
// and not later inside Fit.
public abstract partial class Dataset
{
    /// <summary>Applies <paramref name="map"/> to every (x, y) element, as <c>dataset.map(lambda x, y: ...)</c>.</summary>
    /// <param name="map">The function from (x, y) to the new (x, y), for example <c>(image, label) =&gt; (image / 255f, label)</c>.</param>
    /// <returns>A dataset of the mapped pairs, with the same cardinality.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="ArgumentException">This dataset's elements are single tensors, not pairs.</exception>
    public Dataset Map(Func<Tensor, Tensor, (Tensor X, Tensor Y)> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        RequireStructure(nameof(Map), pairs: true, nameof(map));
        return new MapDataset(this, hasLabels: true, e =>
        {
            (Tensor x, Tensor y) = map(e.X, e.Y!);
            return (x, y);
        });
    }

    /// <summary>Applies <paramref name="map"/> to every single-tensor element.</summary>
    /// <param name="map">The function from x to the new x.</param>
    /// <returns>A dataset of the mapped tensors, with the same cardinality.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="ArgumentException">This dataset's elements are (x, y) pairs; pass a function of two tensors.</exception>
    public Dataset Map(Func<Tensor, Tensor> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        RequireStructure(nameof(Map), pairs: false, nameof(map));
        return new MapDataset(this, hasLabels: false, e => (map(e.X), null));
    }

    /// <summary>Turns every single-tensor element into an (x, y) pair, for example an input and its target.</summary>
    /// <param name="map">The function from x to the new (x, y).</param>
    /// <returns>A dataset of pairs, with the same cardinality.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="ArgumentException">This dataset's elements are already (x, y) pairs.</exception>
    public Dataset Map(Func<Tensor, (Tensor X, Tensor Y)> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        RequireStructure(nameof(Map), pairs: false, nameof(map));
        return new MapDataset(this, hasLabels: true, e =>
        {
            (Tensor x, Tensor y) = map(e.X);
            return (x, y);
        });
    }

    /// <summary>Turns every (x, y) element into a single tensor, for example to drop the labels.</summary>
    /// <param name="map">The function from (x, y) to the new x.</param>
    /// <returns>A dataset of single tensors, with the same cardinality.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="map"/> is null.</exception>
    /// <exception cref="ArgumentException">This dataset's elements are single tensors, not pairs.</exception>
    public Dataset Map(Func<Tensor, Tensor, Tensor> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        RequireStructure(nameof(Map), pairs: true, nameof(map));
        return new MapDataset(this, hasLabels: false, e => (map(e.X, e.Y!), null));
    }

    /// <summary>Keeps the (x, y) elements for which <paramref name="predicate"/> is true, as <c>dataset.filter</c>.</summary>
    /// <param name="predicate">The test applied to each element.</param>
    /// <returns>A dataset of the kept elements; its <see cref="Cardinality"/> is unknown.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    /// <exception cref="ArgumentException">This dataset's elements are single tensors, not pairs.</exception>
    public Dataset Filter(Func<Tensor, Tensor, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        RequireStructure(nameof(Filter), pairs: true, nameof(predicate));
        return new FilterDataset(this, e => predicate(e.X, e.Y!));
    }

    /// <summary>Keeps the single-tensor elements for which <paramref name="predicate"/> is true.</summary>
    /// <param name="predicate">The test applied to each element.</param>
    /// <returns>A dataset of the kept elements; its <see cref="Cardinality"/> is unknown.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="predicate"/> is null.</exception>
    /// <exception cref="ArgumentException">This dataset's elements are (x, y) pairs; pass a predicate of two tensors.</exception>
    public Dataset Filter(Func<Tensor, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        RequireStructure(nameof(Filter), pairs: false, nameof(predicate));
        return new FilterDataset(this, e => predicate(e.X));
    }

    /// <summary>
    /// Shuffles the elements with a buffer of <paramref name="bufferSize"/> elements, exactly as
    /// <c>tf.data.Dataset.shuffle</c>.
    /// </summary>
    /// <param name="bufferSize">
    /// How many elements the buffer holds. The buffer is filled first; then each output is an element drawn
    /// uniformly from the buffer, whose place is taken by the next input element; when the input ends the buffer
    /// is drained in random order. A buffer at least as large as the dataset gives a uniform permutation; a
    /// buffer of 1 keeps the order; in between an element moves at most <c>bufferSize - 1</c> places earlier.
    /// </param>
    /// <param name="seed">
    /// A seed for a reproducible order (default null: a seed is drawn now from <see cref="Random"/>, so
    /// <c>Nabla.Random.SetSeed</c> before building the pipeline also makes it reproducible).
    /// </param>
    /// <param name="reshuffleEachIteration">
    /// Whether each enumeration (each epoch) gets a new order (default true); false repeats the first order.
    /// </param>
    /// <returns>The shuffled dataset, with the same cardinality.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bufferSize"/> is less than 1.</exception>
    public Dataset Shuffle(int bufferSize, int? seed = null, bool reshuffleEachIteration = true)
    {
        if (bufferSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize,
                $"Shuffle: bufferSize must be at least 1 (1 keeps the order; the dataset's size gives a full shuffle), but received {bufferSize}.");
        }

        ulong baseSeed = seed is int s ? RandomSource.Mix((ulong)(uint)s + 0x5851F42D4C957F2DUL) : Random.NextSeed();
        return new ShuffleDataset(this, bufferSize, baseSeed, reshuffleEachIteration);
    }

    /// <summary>Combines consecutive elements into batches, stacking each tensor along a new first axis, as <c>dataset.batch</c>.</summary>
    /// <param name="batchSize">How many elements make one batch.</param>
    /// <param name="dropRemainder">Whether to drop a last batch smaller than <paramref name="batchSize"/> (default false: it is kept).</param>
    /// <returns>
    /// A dataset of batches: elements of shape [s...] become [batchSize, s...] (labels [] become [batchSize]).
    /// Batches own fresh memory.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is less than 1.</exception>
    /// <remarks>Enumerating throws <see cref="ShapeMismatchException"/> when the elements of one batch differ in shape.</remarks>
    public Dataset Batch(int batchSize, bool dropRemainder = false)
    {
        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize,
                $"Batch: batchSize must be at least 1, but received {batchSize}.");
        }

        return new BatchDataset(this, batchSize, dropRemainder);
    }

    /// <summary>Repeats the dataset <paramref name="count"/> times, or forever, as <c>dataset.repeat</c>.</summary>
    /// <param name="count">How many times (default null: forever; -1 also means forever, as in tf.data; 0 gives an empty dataset).</param>
    /// <returns>The repeated dataset. Each repetition enumerates this dataset again, so a shuffle below it reshuffles.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than -1.</exception>
    public Dataset Repeat(int? count = null)
    {
        if (count < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"Repeat: count must be non-negative, or null (or -1) to repeat forever, but received {count}.");
        }

        return new RepeatDataset(this, count is null or -1 ? null : count);
    }

    /// <summary>The first <paramref name="count"/> elements (all of them if there are fewer), as <c>dataset.take</c>.</summary>
    /// <param name="count">How many elements to keep; -1 keeps them all, as in tf.data.</param>
    /// <returns>A dataset of at most <paramref name="count"/> elements (this dataset itself for -1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than -1.</exception>
    public Dataset Take(int count)
    {
        if (count < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"Take: count must be non-negative, or -1 to take every element, but received {count}.");
        }

        return count == -1 ? this : new TakeDataset(this, count);
    }

    /// <summary>All elements but the first <paramref name="count"/>, as <c>dataset.skip</c>.</summary>
    /// <param name="count">How many elements to skip; -1 skips them all, as in tf.data (the source is still enumerated).</param>
    /// <returns>The remaining elements.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than -1.</exception>
    public Dataset Skip(int count)
    {
        if (count < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count,
                $"Skip: count must be non-negative, or -1 to skip every element, but received {count}.");
        }

        return new SkipDataset(this, count == -1 ? null : count);
    }

    /// <summary>
    /// Keeps one shard of <paramref name="numShards"/>: the elements whose position <c>i</c> (from 0) satisfies
    /// <c>i % numShards == index</c>, as <c>dataset.shard(num_shards, index)</c>.
    /// </summary>
    /// <param name="numShards">How many shards the dataset is split into, such as the number of ranks of a distributed job.</param>
    /// <param name="index">Which shard to keep, in [0, <paramref name="numShards"/>), such as this rank.</param>
    /// <returns>
    /// The shard: of n elements it holds n / numShards, one more when <paramref name="index"/> &lt; n % numShards;
    /// the shards of one dataset together hold every element exactly once. An infinite or unknown cardinality stays so.
    /// </returns>
    /// <remarks>
    /// Every shard still enumerates the whole source and skips the other shards' elements, so shard early in the
    /// pipeline (before <c>Map</c>, <c>Shuffle</c> and <c>Batch</c>): after a <c>Shuffle</c> whose order differs
    /// between processes, the shards would overlap.
    /// </remarks>
    /// <example>
    /// <code>
    /// Dataset mine = Dataset.FromTensorSlices(x, y).Shard(world.Size, world.Rank).Shuffle(10000, seed: 1).Batch(32);
    /// </code>
    /// </example>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numShards"/> is less than 1, or <paramref name="index"/> is not in [0, <paramref name="numShards"/>).</exception>
    public Dataset Shard(int numShards, int index)
    {
        if (numShards < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(numShards), numShards,
                $"Shard: numShards must be at least 1, but received {numShards}.");
        }

        if (index < 0 || index >= numShards)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index,
                $"Shard: index must be in [0, {numShards}) for numShards {numShards}, but received {index}.");
        }

        return new ShardDataset(this, numShards, index);
    }

    /// <summary>Keeps the elements in memory after the first complete enumeration and replays them afterwards, as <c>dataset.cache()</c>.</summary>
    /// <returns>
    /// The cached dataset. An enumeration that stops early (for example under <c>Take</c>) caches nothing, as in
    /// tf.data, so a partial pass never truncates the data. Place it before <c>Shuffle</c> and <c>Repeat</c> so the
    /// expensive steps above it (loading, <c>Map</c>) run once.
    /// </returns>
    public Dataset Cache() => new CacheDataset(this);

    /// <summary>
    /// Produces elements on a background thread while the consumer works on the previous ones, as
    /// <c>dataset.prefetch</c>.
    /// </summary>
    /// <param name="bufferSize">
    /// How many elements may wait ready in the queue; <see cref="Autotune"/> (-1) picks 2, which keeps one batch
    /// in hand and one in production.
    /// </param>
    /// <returns>
    /// The same elements in the same order. An exception in the producer is rethrown by the consumer's
    /// <c>MoveNext</c> after the elements produced before it; disposing (or abandoning) the enumerator stops the
    /// producer.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bufferSize"/> is neither positive nor <see cref="Autotune"/>.</exception>
    public Dataset Prefetch(int bufferSize)
    {
        if (bufferSize < 1 && bufferSize != Autotune)
        {
            throw new ArgumentOutOfRangeException(nameof(bufferSize), bufferSize,
                $"Prefetch: bufferSize must be at least 1, or Dataset.Autotune, but received {bufferSize}.");
        }

        return new PrefetchDataset(this, bufferSize == Autotune ? 2 : bufferSize);
    }

    private void RequireStructure(string operation, bool pairs, string paramName)
    {
        if (pairs && !HasLabels)
        {
            throw new ArgumentException(
                $"{operation}: this dataset's elements are single tensors, but the function takes (x, y). " +
                "Pass a function of one tensor, or build the dataset with FromTensorSlices(x, y).", paramName);
        }

        if (!pairs && HasLabels)
        {
            throw new ArgumentException(
                $"{operation}: this dataset's elements are (x, y) pairs, but the function takes one tensor. " +
                $"Pass a function of two tensors, for example (x, y) => ..., that returns what the elements should be.", paramName);
        }
    }
}
