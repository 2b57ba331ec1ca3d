using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

/// <summary>What every communicator does above its transport, observed through a fake of several ranks.</summary>
public class CommunicatorTests
{
    [Fact]
    public void Each_collective_announces_itself_with_the_next_sequence_number()
    {
        using var world = new FakeCommunicator(3);
        world.AllReduce(new float[5], ReduceOp.Max);
        world.Broadcast(new double[2], root: 2);
        world.Barrier();
        Assert.Equal(
            [(CollectiveKind.AllReduce, 1, ElementType.Float, 5, (int)ReduceOp.Max), (CollectiveKind.Broadcast, 2, ElementType.Double, 2, 2), (CollectiveKind.Barrier, 3, (ElementType)0, 0, 0)],
            world.Exchanges.Select(d => (d.Kind, d.Sequence, d.Type, d.Count, d.Argument)));
        Assert.All(world.Exchanges, d => Assert.Equal(0, d.ArgumentError));
        Assert.Equal("AllReduce #1 (Max of 5 float)", world.Exchanges[0].Describe());
        Assert.Equal("Broadcast #2 (2 double from root 2)", world.Exchanges[1].Describe());
        Assert.Equal("Barrier #3", world.Exchanges[2].Describe());
    }

    [Fact]
    public void A_bad_argument_is_announced_before_it_is_thrown_so_the_other_ranks_learn_of_it()
    {
        using var world = new FakeCommunicator(2);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => world.Broadcast(new float[3], root: 2), "Broadcast: root must be a rank in [0, 2), but received 2.");
        CollectiveDescriptor announced = Assert.Single(world.Exchanges);
        Assert.Equal(1, announced.ArgumentError);
        Assert.False(world.IsFaulted);
    }

    [Fact]
    public void A_failure_is_reported_once_and_news_from_other_ranks_is_not_passed_on()
    {
        using var world = new FakeCommunicator(3);
        world.ReportFailure(new InvalidOperationException("label 10 is out of range"));
        world.ReportFailure(new InvalidOperationException("a second error"));
        Assert.Equal(["InvalidOperationException: label 10 is out of range"], world.Reports);
        Assert.True(world.IsFaulted);
        AssertEx.Throws<InvalidOperationException>(() => world.AllReduce(new float[1]), "is faulted", "label 10 is out of range");

        using var other = new FakeCommunicator(3);
        other.ReportFailure(new RankFailedException("Rank 2 of 3 failed: ...", 0, 2));
        Assert.Empty(other.Reports);
        Assert.True(other.IsFaulted);
        Assert.Throws<ArgumentNullException>(() => other.ReportFailure(null!));
    }

    [Fact]
    public void The_fingerprint_message_shows_both_texts_around_the_first_difference()
    {
        string reference = "Sequential[" + string.Concat(Enumerable.Repeat("Dense(64), ", 12)) + "Dense(10)] batch=64";
        string other = reference.Replace("batch=64", "batch=32", StringComparison.Ordinal);
        string message = Communicator.DescribeDifference("the model and batch size", reference, [2, 3], other);
        int at = reference.IndexOf("=64", StringComparison.Ordinal) + 1;
        AssertEx.Contains(message,
            "The ranks disagree on the model and batch size: rank 2 (and rank 3) has \"...",
            "Dense(10)] batch=32\" but rank 0 has \"...", "Dense(10)] batch=64\"", $"(they first differ at character {at})");
        AssertEx.Contains(Communicator.DescribeDifference("x", "abc", [1, 2, 5], "abd"),
            "rank 1 (and ranks 2, 5) has \"abd\" but rank 0 has \"abc\" (they first differ at character 2)");
    }
}
