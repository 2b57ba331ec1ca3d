using Nabla.Data;
using Nabla.Tests.Support;
using static Nabla.Tests.Data.DatasetTesting;

namespace Nabla.Tests.Data;

public class ShardDatasetTests
{
    [Fact]
    public void Keeps_every_nth_element_from_the_index_as_tf_data()
    {
        // tf.data.Dataset.range(10).shard(num_shards=3, index=1) -> [1, 4, 7]
        Assert.Equal([1, 4, 7], Values(Range(10).Shard(3, 1)));
        Assert.Equal([0, 3, 6, 9], Values(Range(10).Shard(3, 0)));
        Assert.Equal([2, 5, 8], Values(Range(10).Shard(3, 2)));
        Assert.Equal(Iota(0, 10), Values(Range(10).Shard(1, 0)));
        Assert.Equal([4], Values(Range(5).Shard(7, 4)));
        Assert.Empty(Values(Range(5).Shard(7, 5)));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 3)]
    [InlineData(10, 3)]
    [InlineData(17, 4)]
    [InlineData(64, 8)]
    [InlineData(5, 9)]
    public void The_shards_cover_every_element_exactly_once(int n, int numShards)
    {
        var seen = new List<int>();
        for (int index = 0; index < numShards; index++)
        {
            Dataset shard = Range(n).Shard(numShards, index);
            List<int> values = Values(shard);
            Assert.Equal(values.Count, shard.Cardinality);
            Assert.InRange(values.Count, n / numShards, (n / numShards) + 1);
            seen.AddRange(values);
        }

        Assert.Equal(Iota(0, n), seen.Order().ToList());
    }

    [Fact]
    public void Keeps_pairs_and_passes_unknown_and_infinite_cardinality_through()
    {
        var pairs = Pairs(6).Shard(2, 1).ToList();
        Assert.Equal([1f, 3f, 5f], pairs.Select(e => e.X.Item()));
        Assert.Equal([10f, 30f, 50f], pairs.Select(e => e.Y!.Item()));
        Assert.True(Pairs(6).Shard(2, 1).HasLabels);

        Assert.Equal(Dataset.InfiniteCardinality, Range(4).Repeat().Shard(3, 0).Cardinality);
        Assert.Equal(Dataset.UnknownCardinality, Range(4).Filter(x => true).Shard(3, 0).Cardinality);
        Assert.Equal([2, 1, 0, 3], Values(Range(4).Repeat().Shard(3, 2).Take(4)));   // positions 2, 5, 8, 11 of 0 1 2 3 0 1 2 3 ...
    }

    [Fact]
    public void Shard_then_batch_gives_each_shard_its_own_batches()
    {
        var batches = Range(10).Shard(2, 1).Batch(2).ToList();
        Assert.Equal([1f, 3f], batches[0].X.ToArray());
        Assert.Equal([9f], batches[2].X.ToArray());
        Assert.Equal(3, Range(10).Shard(2, 1).Batch(2).Cardinality);
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        var ex = AssertEx.Throws<ArgumentOutOfRangeException>(() => Range(5).Shard(0, 0), "Shard: numShards must be at least 1, but received 0");
        Assert.Equal("numShards", ex.ParamName);
        ex = AssertEx.Throws<ArgumentOutOfRangeException>(() => Range(5).Shard(3, 3), "Shard: index must be in [0, 3) for numShards 3, but received 3");
        Assert.Equal("index", ex.ParamName);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Range(5).Shard(3, -1), "received -1");
    }
}
