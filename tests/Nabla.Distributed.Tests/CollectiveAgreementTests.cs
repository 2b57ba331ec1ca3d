using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

/// <summary>The verdict every rank reaches on the same table of descriptors, built here by hand for three ranks.</summary>
public class CollectiveAgreementTests
{
    private static CollectiveDescriptor AllReduce(int count, int sequence = 4) =>
        new() { Kind = CollectiveKind.AllReduce, Sequence = sequence, Type = ElementType.Float, Count = count, Argument = (int)ReduceOp.Sum };

    [Fact]
    public void Agreeing_ranks_pass()
    {
        CollectiveDescriptor[] table = [AllReduce(10), AllReduce(10), AllReduce(10)];
        for (int rank = 0; rank < 3; rank++)
        {
            CollectiveAgreement.Check(table, rank, null);
        }
    }

    [Fact]
    public void Different_collectives_or_counts_throw_the_same_mismatch_on_every_rank_naming_the_ranks()
    {
        var broadcast = new CollectiveDescriptor { Kind = CollectiveKind.Broadcast, Sequence = 4, Type = ElementType.Float, Count = 10 };
        CollectiveDescriptor[] table = [AllReduce(10), broadcast, AllReduce(11)];
        var messages = new List<string>();
        for (int rank = 0; rank < 3; rank++)
        {
            var ex = Assert.Throws<RankMismatchException>(() => CollectiveAgreement.Check(table, rank, null));
            Assert.Equal(rank, ex.Rank);
            Assert.Equal([1, 2], ex.MismatchedRanks);
            messages.Add(ex.Message);
        }

        Assert.Single(messages.Distinct());
        AssertEx.Contains(messages[0],
            "rank 0 called AllReduce #4 (Sum of 10 float), but rank 1 called Broadcast #4 (10 float from root 0); rank 2 called AllReduce #4 (Sum of 11 float).",
            "same order with the same counts");
    }

    [Fact]
    public void A_rank_one_collective_behind_is_a_mismatch()
    {
        CollectiveDescriptor[] table = [AllReduce(10, sequence: 7), AllReduce(10, sequence: 6), AllReduce(10, sequence: 7)];
        var ex = AssertEx.Throws<RankMismatchException>(() => CollectiveAgreement.Check(table, 2, null),
            "rank 0 called AllReduce #7", "but rank 1 called AllReduce #6");
        Assert.Equal([1], ex.MismatchedRanks);
    }

    [Fact]
    public void A_bad_argument_on_one_rank_throws_there_and_names_it_elsewhere()
    {
        CollectiveDescriptor[] table = [AllReduce(10), AllReduce(10), AllReduce(10)];
        table[1].ArgumentError = 1;
        var own = new ArgumentOutOfRangeException("op");
        Assert.Same(own, Assert.Throws<ArgumentOutOfRangeException>(() => CollectiveAgreement.Check(table, 1, own)));
        var other = AssertEx.Throws<RankFailedException>(() => CollectiveAgreement.Check(table, 2, null),
            "Rank 1 of 3 passed invalid arguments to AllReduce #4 (Sum of 10 float), so no rank runs it", "This rank (2)");
        Assert.Equal(1, other.FailedRank);
        Assert.Equal(2, other.Rank);
    }

    [Fact]
    public void The_maximum_of_the_summaries_tells_agreement_from_any_difference()
    {
        static bool Agree(params CollectiveDescriptor[] ranks)
        {
            // What MPI_MAX over the ranks computes, element by element.
            int[] reduced = new int[CollectiveDescriptor.SummaryInts];
            Array.Fill(reduced, int.MinValue);
            int[] one = new int[CollectiveDescriptor.SummaryInts];
            foreach (CollectiveDescriptor d in ranks)
            {
                d.Summary(one);
                for (int i = 0; i < one.Length; i++)
                {
                    reduced[i] = Math.Max(reduced[i], one[i]);
                }
            }

            return CollectiveDescriptor.Agree(reduced);
        }

        Assert.True(Agree(AllReduce(10), AllReduce(10), AllReduce(10)));
        Assert.True(Agree(AllReduce(0)));
        Assert.False(Agree(AllReduce(10), AllReduce(11), AllReduce(10)));
        Assert.False(Agree(AllReduce(10), AllReduce(10, sequence: 5)));
        CollectiveDescriptor max = AllReduce(10);
        max.Argument = (int)ReduceOp.Max;
        Assert.False(Agree(AllReduce(10), max));
        CollectiveDescriptor bad = AllReduce(10);
        bad.ArgumentError = 1;
        Assert.False(Agree(bad, bad));   // equal, but an argument error always gathers the table
        CollectiveDescriptor barrier = new() { Kind = CollectiveKind.Barrier, Sequence = 4 };
        Assert.False(Agree(AllReduce(0), barrier));
        Assert.True(Agree(barrier, barrier));
    }

    [Fact]
    public void AllGatherV_counts_may_differ_and_every_receive_buffer_must_hold_the_total()
    {
        CollectiveDescriptor Part(int count, int capacity) =>
            new() { Kind = CollectiveKind.AllGatherV, Sequence = 2, Type = ElementType.Double, Count = count, Capacity = capacity };
        CollectiveDescriptor[] table = [Part(3, 9), Part(0, 9), Part(5, 8)];
        int[] counts = new int[3];
        Assert.Equal(8, CollectiveAgreement.GatherCounts(table, 0, counts));
        Assert.Equal([3, 0, 5], counts);

        table[1].Capacity = 7;
        CollectiveAgreement.Check(table, 0, null);
        AssertEx.Throws<ArgumentException>(() => CollectiveAgreement.GatherCounts(table, 1, counts),
            "AllGatherV #2 (0 double from this rank): the receive buffer holds 7 elements, but the ranks send 8 in all (counts [3, 0, 5])");
        var ex = AssertEx.Throws<RankFailedException>(() => CollectiveAgreement.GatherCounts(table, 2, counts), "Rank 1 of 3 cannot run AllGatherV #2");
        Assert.Equal(1, ex.FailedRank);
    }
}
