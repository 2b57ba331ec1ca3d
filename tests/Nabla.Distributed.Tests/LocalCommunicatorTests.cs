using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

/// <summary>The single-process communicator: what a program written for MPI sees when it runs alone without MPI.</summary>
public class LocalCommunicatorTests
{
    private static LocalCommunicator Create() => new(TimeSpan.FromSeconds(5), "test");

    [Fact]
    public void Is_rank_0_of_1_and_the_collectives_are_identities()
    {
        using LocalCommunicator world = Create();
        Assert.Equal(0, world.Rank);
        Assert.Equal(1, world.Size);
        Assert.True(world.IsRoot);
        Assert.Equal(TimeSpan.FromSeconds(5), world.Timeout);
        Assert.Contains("single process without MPI", world.Implementation, StringComparison.Ordinal);

        float[] f = [1.5f, -2f, 3f];
        foreach (ReduceOp op in Enum.GetValues<ReduceOp>())
        {
            world.AllReduce(f, op);
            Assert.Equal([1.5f, -2f, 3f], f);
        }

        double[] d = [Math.PI];
        world.AllReduce(d, ReduceOp.Max);
        world.Broadcast(d);
        world.Broadcast(f.AsSpan(1), root: 0);
        Assert.Equal([Math.PI], d);
        Assert.Equal([1.5f, -2f, 3f], f);
        world.Barrier();
        world.AllReduce(Span<float>.Empty);
        world.VerifySameOnAllRanks("the model", "Dense(10)");
        Assert.False(world.IsFaulted);
    }

    [Fact]
    public void Gathers_copy_this_rank_to_the_front_and_leave_the_rest()
    {
        using LocalCommunicator world = Create();
        float[] receive = [9f, 9f, 9f, 9f];
        world.AllGather([1f, 2f], receive);
        Assert.Equal([1f, 2f, 9f, 9f], receive);

        double[] dReceive = [9, 9, 9];
        int[] counts = [-1];
        Assert.Equal(2, world.AllGatherV([4.0, 5.0], dReceive, counts));
        Assert.Equal([4.0, 5.0, 9], dReceive);
        Assert.Equal([2], counts);
        Assert.Equal(0, world.AllGatherV(ReadOnlySpan<float>.Empty, receive, counts));
        Assert.Equal([0], counts);
    }

    [Fact]
    public void Bad_arguments_throw_with_the_expected_and_received_values()
    {
        using LocalCommunicator world = Create();
        var root = AssertEx.Throws<ArgumentOutOfRangeException>(() => world.Broadcast(new float[2], root: 1),
            "Broadcast: root must be a rank in [0, 1), but received 1.");
        Assert.Equal("root", root.ParamName);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => world.AllReduce(new float[2], (ReduceOp)7),
            "AllReduce: op must be ReduceOp.Sum, Max or Min, but received 7.");
        AssertEx.Throws<ArgumentException>(() => world.AllGather(new float[3], new float[2]),
            "AllGather: receive must hold Size × send.Length = 1 × 3 = 3 elements, but holds 2.");
        float[] shared = new float[4];
        AssertEx.Throws<ArgumentException>(() => world.AllGather(shared.AsSpan(0, 2), shared), "AllGather: send and receive overlap");
        AssertEx.Throws<ArgumentException>(() => world.AllGatherV(new float[3], new float[3], new int[2]),
            "AllGatherV: counts must have one element per rank (1), but has 2.");
        AssertEx.Throws<ArgumentException>(() => world.AllGatherV(new float[3], new float[2], new int[1]),
            "the receive buffer holds 2 elements, but the ranks send 3 in all (counts [3])", "at least 3 elements");
        AssertEx.Throws<ArgumentException>(() => world.VerifySameOnAllRanks(" ", "x"), "what");
        Assert.Throws<ArgumentNullException>(() => world.VerifySameOnAllRanks("the model", null!));

        // Rejected calls leave the communicator usable.
        float[] ok = [1f];
        world.AllReduce(ok);
        Assert.False(world.IsFaulted);
    }

    [Fact]
    public void A_reported_failure_faults_it_and_dispose_ends_it()
    {
        LocalCommunicator world = Create();
        world.ReportFailure(new InvalidOperationException("bad batch"));
        Assert.True(world.IsFaulted);
        var ex = AssertEx.Throws<InvalidOperationException>(() => world.Barrier(), "rank 0 is faulted", "bad batch");
        Assert.IsType<InvalidOperationException>(ex.InnerException);
        world.Dispose();
        world.Dispose();

        LocalCommunicator closed = Create();
        closed.Dispose();
        Assert.Throws<ObjectDisposedException>(() => closed.AllReduce(new float[1]));
    }
}
