using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

public class GradientBucketsTests
{
    private static GradientBucket Bucket(long length, params int[] gradients) => new(gradients, length);

    [Fact]
    public void Plan_packs_small_gradients_in_order_and_gives_large_ones_a_call_of_their_own()
    {
        // Capacity 9 floats, in place from 8: gradient 3 (10) goes alone at once; the small ones fill buckets of up to 9.
        Assert.Equal(
            [Bucket(10, 3), Bucket(9, 0, 1, 2), Bucket(6, 4, 5, 6), Bucket(5, 7), Bucket(7, 8)],
            GradientBuckets.Plan([3, 4, 2, 10, 1, 0, 5, 5, 7], capacity: 9, inPlaceLength: 8));
        Assert.Empty(GradientBuckets.Plan([], capacity: 9, inPlaceLength: 8));
        Assert.Equal([Bucket(0, 0, 1, 2)], GradientBuckets.Plan([0, 0, 0], capacity: 1, inPlaceLength: int.MaxValue));
        Assert.Equal([Bucket(100, 0), Bucket(100, 1)], GradientBuckets.Plan([100, 100], capacity: 1, inPlaceLength: int.MaxValue));
        Assert.Equal([Bucket(5, 1), Bucket(4, 0, 2)], GradientBuckets.Plan([2, 5, 2], capacity: 100, inPlaceLength: 5));
        Assert.Equal(
            [Bucket(9, 0, 1, 2), Bucket(10, 3), Bucket(6, 4, 5, 6), Bucket(5, 7), Bucket(7, 8)],
            GradientBuckets.Plan([3, 4, 2, 10, 1, 0, 5, 5, 7], capacity: 9, inPlaceLength: 8, keepOrder: true));
        Assert.Equal([Bucket(2, 0), Bucket(5, 1), Bucket(2, 2)], GradientBuckets.Plan([2, 5, 2], capacity: 100, inPlaceLength: 5, keepOrder: true));
        Assert.True(Bucket(5, 1).InPlace);
        Assert.False(Bucket(4, 0, 2).InPlace);
    }

    [Theory]
    [InlineData(1, 50)]
    [InlineData(7, 50)]
    [InlineData(64, 30)]
    [InlineData(1_000_000, 80)]
    [InlineData(1_000_000, int.MaxValue)]
    public void Plan_puts_every_gradient_in_exactly_one_bucket(int capacity, int inPlaceLength)
    {
        var random = new System.Random(capacity);
        int[] lengths = Enumerable.Range(0, 40).Select(_ => random.Next(0, 100)).ToArray();
        GradientBucket[] plan = GradientBuckets.Plan(lengths, capacity, inPlaceLength);
        Assert.Equal(Enumerable.Range(0, lengths.Length), plan.SelectMany(b => b.Gradients).Order());

        // In order, the buckets hold the gradients in sequence, with the same rules.
        GradientBucket[] ordered = GradientBuckets.Plan(lengths, capacity, inPlaceLength, keepOrder: true);
        Assert.Equal(Enumerable.Range(0, lengths.Length), ordered.SelectMany(b => b.Gradients));
        Assert.All(ordered.Where(b => !b.InPlace), b => Assert.True(b.Length <= capacity && b.Gradients.All(i => lengths[i] < inPlaceLength)));
        foreach (GradientBucket bucket in plan)
        {
            Assert.Equal(bucket.Gradients.Sum(i => (long)lengths[i]), bucket.Length);
            Assert.Equal(bucket.Gradients.Order(), bucket.Gradients);
            if (!bucket.InPlace)
            {
                Assert.True(bucket.Length <= capacity, $"bucket {bucket} holds several gradients beyond the capacity {capacity}");
                Assert.All(bucket.Gradients, i => Assert.True(lengths[i] < inPlaceLength, $"gradient {i} ({lengths[i]}) should be alone"));
            }
        }
    }

    [Fact]
    public void W3s_two_large_kernels_are_reduced_in_place_and_the_rest_in_one_bucket()
    {
        using var world = new FakeCommunicator(2);
        var buckets = new GradientBuckets(world, [784 * 512, 512, 512 * 512, 512, 512 * 10, 10]);
        Assert.Equal([Bucket(401_408, 0), Bucket(262_144, 2), Bucket(6_154, 1, 3, 4, 5)], buckets.Buckets);
        Assert.Equal(669_706, buckets.TotalLength);
        Assert.Equal(6, buckets.GradientCount);
        Assert.Equal(25 * 1024 * 1024, buckets.BucketBytes);
        Assert.Equal(1024 * 1024, buckets.InPlaceBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_element_is_reduced_once_and_lands_back_in_its_gradient(bool average)
    {
        // Four simulated ranks holding the same gradients: the fake's sum is 4·g + 1, so the mean is g + 1/4, exact.
        using var world = new FakeCommunicator(4);
        int[] lengths = [1, 7, 0, 17, 63, 65, 300, 2, 1];
        var buckets = new GradientBuckets(world, lengths, bucketBytes: 20 * sizeof(float), inPlaceBytes: 60 * sizeof(float));
        Assert.Equal(5, buckets.BucketCount);   // [0, 1, 2]; 4, 5 and 6 alone; [3, 7, 8]
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
            if (bucket.InPlace && bucket.Length > 0)
            {
                unsafe
                {
                    fixed (float* p = grads[bucket.Gradients[0]])
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
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new GradientBuckets(world, [3], inPlaceBytes: 0),
            "GradientBuckets: inPlaceBytes must be at least 4 (one float), but received 0.");
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
