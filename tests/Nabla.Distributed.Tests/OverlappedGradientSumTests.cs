using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

/// <summary>
/// <see cref="DataParallel"/>'s overlapped gradient sum over a simulated two-rank communicator (each all-reduced
/// element becomes 2x + 1, so an element reduced twice or never shows): buckets start on the communication thread as
/// soon as their gradients are reported, in plan order, and the result equals the sum after the pass.
/// </summary>
public class OverlappedGradientSumTests
{
    private static readonly int[] Lengths = [300, 20, 60, 5];

    [Fact]
    public void Buckets_are_reduced_while_the_pass_goes_on_and_give_what_the_sum_after_it_gives()
    {
        var world = new FakeCommunicator(2);
        var strategy = new DataParallel(world, overlapCommunication: true, bucketBytes: 4, inPlaceBytes: 4);   // one bucket per gradient
        Assert.True(strategy.OverlapCommunication);
        Tensor[] values = [.. Lengths.Select(n => Tensor.Zeros(n))];
        Tensor[] grads = Gradients();
        float[][] before = [.. grads.Select(g => g.ToArray())];

        Action<int, Tensor> ready = strategy.BeginGradientSum(values) ?? throw new InvalidOperationException("no overlap");
        ready(3, grads[3]);
        ready(2, grads[2]);

        // The last two gradients' buckets are reduced before the pass reports the others.
        WaitFor(() => world.Reduces.Count == 2);
        Assert.Equal([5, 60], world.Reduces.Select(r => r.Count));
        ready(1, grads[1]);
        ready(0, grads[0]);
        strategy.AllReduceSum(grads);
        Assert.Equal([5, 60, 20, 300], world.Reduces.Select(r => r.Count));
        for (int i = 0; i < grads.Length; i++)
        {
            Assert.Equal(before[i].Select(v => (v * 2) + 1), grads[i].ToArray());
        }

        Assert.Equal(3, strategy.OverlappedBucketCount);
        Assert.Equal(1, strategy.GradientAllReduceCount);
        Assert.True(strategy.GradientCommunicationTime > TimeSpan.Zero);
    }

    [Fact]
    public void Gradients_the_pass_did_not_report_are_reduced_at_the_end_and_serial_strategies_use_the_same_plan()
    {
        var overlapWorld = new FakeCommunicator(2);
        var overlapped = new DataParallel(overlapWorld, overlapCommunication: true, bucketBytes: 100 * sizeof(float), inPlaceBytes: 200 * sizeof(float));
        var serialWorld = new FakeCommunicator(2);
        var serial = new DataParallel(serialWorld, overlapCommunication: false, bucketBytes: 100 * sizeof(float), inPlaceBytes: 200 * sizeof(float));
        Assert.False(serial.OverlapCommunication);
        Assert.Null(serial.BeginGradientSum([.. Lengths.Select(n => Tensor.Zeros(n))]));

        Tensor[] a = Gradients(), b = Gradients();
        Action<int, Tensor> ready = overlapped.BeginGradientSum(a)!;
        ready(3, a[3]);   // gradients 1 and 0 never reported: the sum completes them
        overlapped.AllReduceSum(a);
        serial.AllReduceSum(b);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(b[i].ToArray(), a[i].ToArray());
        }

        // Reverse order: [5 + 60 + 20 packed] then 300 alone, on both.
        Assert.Equal([85, 300], overlapWorld.Reduces.Select(r => r.Count));
        Assert.Equal([85, 300], serialWorld.Reduces.Select(r => r.Count));
        Assert.Equal(0, overlapped.OverlappedBucketCount);
    }

    [Fact]
    public void A_pass_that_fails_after_a_bucket_was_reduced_faults_the_communicator_and_the_next_step_still_runs_without_one()
    {
        var world = new FakeCommunicator(2);
        var strategy = new DataParallel(world, overlapCommunication: true, bucketBytes: 4, inPlaceBytes: 4);
        Tensor[] grads = Gradients();
        Action<int, Tensor> ready = strategy.BeginGradientSum(grads)!;
        ready(3, grads[3]);
        WaitFor(() => world.Reduces.Count == 1);
        strategy.AbandonGradientSum(new InvalidOperationException("backward failed"));
        Assert.True(world.IsFaulted);

        var fresh = new FakeCommunicator(2);
        var untouched = new DataParallel(fresh, overlapCommunication: true, bucketBytes: 4, inPlaceBytes: 4);
        Action<int, Tensor> early = untouched.BeginGradientSum(grads)!;
        untouched.AbandonGradientSum(new InvalidOperationException("failed before any gradient"));
        Assert.False(fresh.IsFaulted);
        Assert.Empty(fresh.Reduces);
        Assert.NotNull(early);
    }

    private static Tensor[] Gradients()
    {
        var rng = new System.Random(9);
        return [.. Lengths.Select(n => Tensor.FromArray([.. Enumerable.Range(0, n).Select(_ => (float)(rng.NextDouble() - 0.5))], n))];
    }

    private static void WaitFor(Func<bool> condition)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the communication thread did not reduce the ready buckets within 20 s");
            Thread.Sleep(1);
        }
    }
}
