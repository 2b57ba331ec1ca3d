using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

public class BatchShardingTests
{
    [Fact]
    public void Splits_like_array_split_the_first_ranks_taking_the_remainder()
    {
        Assert.Equal([(0, 3), (3, 3), (6, 2), (8, 2)], Enumerable.Range(0, 4).Select(r => BatchSharding.RowsForRank(10, 4, r)));
        Assert.Equal([(0, 32), (32, 32)], Enumerable.Range(0, 2).Select(r => BatchSharding.RowsForRank(64, 2, r)));
        Assert.Equal([(0, 1), (1, 1), (2, 0), (2, 0)], Enumerable.Range(0, 4).Select(r => BatchSharding.RowsForRank(2, 4, r)));
        Assert.Equal((0, 0), BatchSharding.RowsForRank(0, 3, 2));
    }

    [Fact]
    public void Every_row_of_every_batch_of_an_epoch_is_taken_by_exactly_one_rank()
    {
        for (int ranks = 1; ranks <= 9; ranks++)
        {
            foreach (int samples in new[] { 0, 1, 7, 60, 61, 1000 })
            {
                foreach (int batch in new[] { 1, 3, 8, 64 })
                {
                    int[] taken = new int[samples];
                    for (int first = 0; first < samples; first += batch)
                    {
                        int rows = Math.Min(batch, samples - first);   // the last batch may be short
                        int next = 0;
                        for (int r = 0; r < ranks; r++)
                        {
                            (int start, int count) = BatchSharding.RowsForRank(rows, ranks, r);
                            Assert.Equal(next, start);   // contiguous, in rank order
                            Assert.InRange(count, rows / ranks, (rows / ranks) + 1);
                            for (int i = start; i < start + count; i++)
                            {
                                taken[first + i]++;
                            }

                            next = start + count;
                        }

                        Assert.Equal(rows, next);
                    }

                    Assert.All(taken, t => Assert.Equal(1, t));
                }
            }
        }
    }

    [Fact]
    public void Gradient_weights_are_the_shares_of_the_batch_and_sum_to_one()
    {
        Assert.Equal([0.3, 0.3, 0.2, 0.2], Enumerable.Range(0, 4).Select(r => BatchSharding.GradientWeight(10, 4, r)));
        Assert.Equal(1.0, Enumerable.Range(0, 7).Sum(r => BatchSharding.GradientWeight(61, 7, r)), 12);
        Assert.Equal(0.0, BatchSharding.GradientWeight(0, 3, 1));
        Assert.Equal(0.0, BatchSharding.GradientWeight(2, 4, 3));
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => BatchSharding.RowsForRank(-1, 2, 0), "batchRows must be non-negative, but received -1");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => BatchSharding.RowsForRank(8, 0, 0), "ranks must be at least 1, but received 0");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => BatchSharding.RowsForRank(8, 2, 2), "rank must be in [0, 2), but received 2");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => BatchSharding.GradientWeight(8, 2, -1), "rank must be in [0, 2), but received -1");
    }
}
