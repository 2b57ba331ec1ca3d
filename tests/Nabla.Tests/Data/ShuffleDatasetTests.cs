using Nabla.Data;
using Nabla.Tests.Support;
using static Nabla.Tests.Data.DatasetTesting;

namespace Nabla.Tests.Data;

public class ShuffleDatasetTests
{
    [Fact]
    public void A_buffer_of_one_keeps_the_order()
    {
        Assert.Equal(Iota(0, 50), Values(Range(50).Shuffle(1, seed: 3)));
    }

    [Fact]
    public void A_full_buffer_gives_a_permutation_that_the_seed_reproduces()
    {
        List<int> a = Values(Range(100).Shuffle(100, seed: 7));
        List<int> b = Values(Range(100).Shuffle(100, seed: 7));
        List<int> c = Values(Range(100).Shuffle(100, seed: 8));
        Assert.Equal(Iota(0, 100), a.Order().ToList());
        Assert.NotEqual(Iota(0, 100), a);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void An_element_moves_at_most_bufferSize_minus_one_places_earlier()
    {
        // tf.data's window: output k is drawn from inputs 0 .. k + bufferSize - 1, so input p cannot be emitted
        // before position p - bufferSize + 1. Elements may move later without bound.
        const int n = 300, buffer = 5;
        bool reachedBound = false, movedLate = false;
        for (int seed = 0; seed < 20; seed++)
        {
            List<int> order = Values(Range(n).Shuffle(buffer, seed: seed));
            Assert.Equal(Iota(0, n), order.Order().ToList());
            for (int k = 0; k < n; k++)
            {
                Assert.True(order[k] <= k + buffer - 1, $"seed {seed}: input {order[k]} came out at position {k}");
                reachedBound |= order[k] == k + buffer - 1;
                movedLate |= order[k] < k - (2 * buffer);
            }
        }

        Assert.True(reachedBound, "no element ever moved the full bufferSize - 1 places earlier: is the buffer smaller than asked?");
        Assert.True(movedLate);
    }

    [Fact]
    public void The_first_element_is_uniform_over_the_first_buffer()
    {
        // 3000 epochs of one reshuffling dataset: the first output is each of inputs 0, 1, 2 a third of the time.
        Dataset ds = Range(10).Shuffle(3, seed: 1);
        var counts = new int[10];
        for (int epoch = 0; epoch < 3000; epoch++)
        {
            using IEnumerator<DatasetElement> e = ds.GetEnumerator();
            Assert.True(e.MoveNext());
            counts[(int)e.Current.X.Item()]++;
        }

        for (int i = 0; i < 3; i++)
        {
            Assert.InRange(counts[i], 1000 - 130, 1000 + 130);   // about 5 standard deviations (σ ≈ 26)
        }

        Assert.Equal(0, counts.Skip(3).Sum());
    }

    [Fact]
    public void Each_iteration_reshuffles_unless_asked_not_to_and_the_epochs_are_reproducible()
    {
        Dataset ds = Range(50).Shuffle(50, seed: 11);
        List<int> epoch1 = Values(ds), epoch2 = Values(ds);
        Assert.NotEqual(epoch1, epoch2);

        Dataset again = Range(50).Shuffle(50, seed: 11);
        Assert.Equal(epoch1, Values(again));
        Assert.Equal(epoch2, Values(again));

        Dataset fixedOrder = Range(50).Shuffle(50, seed: 11, reshuffleEachIteration: false);
        Assert.Equal(Values(fixedOrder), Values(fixedOrder));
    }

    [Fact]
    public void Repeat_after_shuffle_reshuffles_each_pass()
    {
        List<int> twice = Values(Range(20).Shuffle(20, seed: 5).Repeat(2));
        Assert.Equal(Iota(0, 20), twice.Take(20).Order().ToList());
        Assert.Equal(Iota(0, 20), twice.Skip(20).Order().ToList());
        Assert.NotEqual(twice.Take(20), twice.Skip(20));
    }

    [Fact]
    public void Shuffle_keeps_pairs_together()
    {
        foreach (var (x, y) in Pairs(30).Shuffle(8, seed: 2))
        {
            Assert.Equal(x.Item() * 10f, y.Item());
        }
    }
}

[Collection(GlobalRandomSeedCollection.Name)]
public class ShuffleDatasetGlobalSeedTests
{
    [Fact]
    public void Without_a_seed_the_global_seed_makes_the_order_reproducible()
    {
        Nabla.Random.SetSeed(123);
        List<int> a = Values(Range(40).Shuffle(40));
        Nabla.Random.SetSeed(123);
        List<int> b = Values(Range(40).Shuffle(40));
        Assert.Equal(a, b);
        Assert.NotEqual(Iota(0, 40), a);
    }
}
