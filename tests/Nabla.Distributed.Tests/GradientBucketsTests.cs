using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

public class GradientBucketsTests
{
    [Fact]
    public void Plan_fills_buckets_greedily_in_order_and_gives_large_gradients_their_own()
    {
        GradientBucket[] plan = GradientBuckets.Plan([3, 4, 2, 10, 1, 0, 5, 5, 7], capacity: 9);
        Assert.Equal(
            [new(0, 3, 9), new(3, 1, 10), new(4, 3, 6), new(7, 1, 5), new(8, 1, 7)],
            plan);
        Assert.Empty(GradientBuckets.Plan([], capacity: 9));
        Assert.Equal([new GradientBucket(0, 3, 0)], GradientBuckets.Plan([0, 0, 0], capacity: 1));
        Assert.Equal([new GradientBucket(0, 1, 100), new GradientBucket(1, 1, 100)], GradientBuckets.Plan([100, 100], capacity: 1));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1_000_000)]
    public void Plan_covers_every_gradient_once_in_order(int capacity)
    {
        var random = new System.Random(capacity);
        int[] lengths = Enumerable.Range(0, 40).Select(_ => random.Next(0, 100)).ToArray();
        GradientBucket[] plan = GradientBuckets.Plan(lengths, capacity);
        int next = 0;
        foreach (GradientBucket bucket in plan)
        {
            Assert.Equal(next, bucket.First);
            Assert.True(bucket.Count >= 1);
            Assert.Equal(lengths.Skip(bucket.First).Take(bucket.Count).Sum(), bucket.Length);
            Assert.True(bucket.Count == 1 || bucket.Length <= capacity, $"bucket {bucket} holds several gradients beyond the capacity {capacity}");
            next += bucket.Count;
        }

        Assert.Equal(lengths.Length, next);
    }

    [Fact]
    public void W3s_gradients_fit_one_default_bucket()
    {
        using var world = new FakeCommunicator(2);
        var buckets = new GradientBuckets(world, [784 * 512, 512, 512 * 512, 512, 512 * 10, 10]);
        Assert.Equal(1, buckets.BucketCount);
        Assert.Equal(669_706, buckets.TotalLength);
        Assert.Equal(6, buckets.GradientCount);
        Assert.Equal(25 * 1024 * 1024, buckets.BucketBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_element_is_reduced_once_and_lands_back_in_its_gradient(bool average)
    {
        // Four simulated ranks holding the same gradients: the fake's sum is 4·g + 1, so the mean is g + 1/4, exact.
        using var world = new FakeCommunicator(4);
        int[] lengths = [1, 7, 0, 17, 63, 65, 300, 2, 1];
        var buckets = new GradientBuckets(world, lengths, bucketBytes: 64 * sizeof(float));
        float[][] grads = lengths.Select(n => GC.AllocateArray<float>(n, pinned: true)).ToArray();
        for (int i = 0; i < grads.Length; i++)
        {
            for (int j = 0; j < grads[i].Length; j++)
            {
                grads[i][j] = (100 * i) + j;
            }
        }

        Memory<float>[] memory = grads.Select(g => new Memory<float>(g)).ToArray();
        if (average)
        {
            buckets.AllReduceAverage(memory);
        }
        else
        {
            buckets.AllReduceSum(memory);
        }

        for (int i = 0; i < grads.Length; i++)
        {
            for (int j = 0; j < grads[i].Length; j++)
            {
                float g = (100 * i) + j;
                Assert.Equal(average ? g + 0.25f : (4 * g) + 1, grads[i][j]);
            }
        }

        // One all-reduce per bucket; a bucket of one gradient is reduced where the gradient lies.
        Assert.Equal(buckets.BucketCount, world.Reduces.Count);
        for (int b = 0; b < buckets.BucketCount; b++)
        {
            GradientBucket bucket = buckets.Buckets[b];
            Assert.Equal(bucket.Length, world.Reduces[b].Count);
            if (bucket.Count == 1 && bucket.Length > 0)
            {
                unsafe
                {
                    fixed (float* p = grads[bucket.First])
                    {
                        Assert.Equal((nint)p, world.Reduces[b].Address);
                    }
                }
            }
        }
    }

    [Fact]
    public void Warm_calls_allocate_nothing()
    {
        using var world = new FakeCommunicator(2);
        int[] lengths = [10, 20, 300, 4000, 5];
        var buckets = new GradientBuckets(world, lengths, bucketBytes: 1024);
        Memory<float>[] memory = lengths.Select(n => new Memory<float>(new float[n])).ToArray();
        buckets.AllReduceAverage(memory);
        world.Reduces.Clear();

        long least = long.MaxValue;
        for (int attempt = 0; attempt < 5; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++)
            {
                buckets.AllReduceAverage(memory);
                buckets.AllReduceSum(memory);
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            world.Reduces.Clear();
        }

        Assert.Equal(0, least);
    }

    [Fact]
    public void Gradients_that_do_not_match_the_plan_are_rejected()
    {
        using var world = new FakeCommunicator(2);
        var buckets = new GradientBuckets(world, [3, 4]);
        AssertEx.Throws<ArgumentException>(() => buckets.AllReduceAverage([new float[3]]),
            "GradientBuckets: expected 2 gradients (the planned lengths), but received 1.");
        AssertEx.Throws<ArgumentException>(() => buckets.AllReduceSum([new float[3], new float[5]]),
            "GradientBuckets: gradient 1 must have the planned length 4, but has 5.");
        Assert.Throws<ArgumentNullException>(() => buckets.AllReduceAverage(null!));
        Assert.Empty(world.Reduces);
    }

    [Fact]
    public void The_constructor_checks_its_arguments()
    {
        using var world = new FakeCommunicator(2);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new GradientBuckets(world, [3, -1]),
            "GradientBuckets: gradient lengths must be non-negative, but lengths[1] is -1.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new GradientBuckets(world, [3], bucketBytes: 3),
            "GradientBuckets: bucketBytes must be at least 4 (one float), but received 3.");
        Assert.Throws<ArgumentNullException>(() => new GradientBuckets(null!, [3]));
        Assert.Throws<ArgumentNullException>(() => new GradientBuckets(world, null!));
    }

    [Fact]
    public void One_rank_leaves_the_gradients_as_they_are()
    {
        using var world = new LocalCommunicator(TimeSpan.FromSeconds(1), "test");
        var buckets = new GradientBuckets(world, [2, 1]);
        float[] a = [1f, 2f], b = [3f];
        buckets.AllReduceAverage([a, b]);
        Assert.Equal([1f, 2f], a);
        Assert.Equal([3f], b);
    }
}
