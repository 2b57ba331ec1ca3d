namespace Nabla.Distributed.Tests;

/// <summary>The batch split every data-parallel step uses: contiguous shares that cover each row exactly once.</summary>
public class DistributionStrategyTests
{
    [Theory]
    [InlineData(64, 2)]
    [InlineData(65, 2)]
    [InlineData(7, 3)]
    [InlineData(2, 3)]
    [InlineData(1, 4)]
    public void Shares_cover_every_row_once_in_order(int rows, int size)
    {
        int next = 0;
        for (int rank = 0; rank < size; rank++)
        {
            (int start, int count) = new Fixed(rank, size).RowsOf(rows);
            Assert.Equal(next, start);
            Assert.InRange(count, rows / size, (rows / size) + 1);
            next += count;
        }

        Assert.Equal(rows, next);
    }

    [Fact]
    public void Agree_matches_the_batch_sharding_helper()
    {
        for (int rank = 0; rank < 3; rank++)
        {
            Assert.Equal(BatchSharding.RowsForRank(100, 3, rank), new Fixed(rank, 3).RowsOf(100));
        }
    }

    private sealed class Fixed(int rank, int size) : DistributionStrategy
    {
        public override int Rank => rank;

        public override int Size => size;

        internal override void VerifySame(string what, string description) => throw new NotSupportedException();

        internal override void Broadcast(Span<float> values) => throw new NotSupportedException();

        internal override void AllReduceSum(Span<double> values) => throw new NotSupportedException();

        internal override void AllReduceSum(ReadOnlySpan<Tensor> tensors) => throw new NotSupportedException();

        internal override int AllGather(ReadOnlySpan<float> local, Span<float> all, Span<int> counts) => throw new NotSupportedException();
    }
}
