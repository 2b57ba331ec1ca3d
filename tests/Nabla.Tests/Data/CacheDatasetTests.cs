using Nabla.Data;
using static Nabla.Tests.Data.DatasetTesting;

namespace Nabla.Tests.Data;

public class CacheDatasetTests
{
    [Fact]
    public void The_first_complete_pass_is_recorded_and_replayed()
    {
        int computed = 0;
        Dataset ds = Range(5).Map(x => { computed++; return x * 2f; }).Cache();
        Assert.Equal([0, 2, 4, 6, 8], Values(ds));
        Assert.Equal([0, 2, 4, 6, 8], Values(ds));
        Assert.Equal([0, 2, 4, 6, 8, 0, 2, 4, 6, 8], Values(ds.Repeat(2)));
        Assert.Equal(5, computed);
    }

    [Fact]
    public void A_partial_pass_caches_nothing()
    {
        int computed = 0;
        Dataset ds = Range(5).Map(x => { computed++; return x; }).Cache();
        Assert.Equal([0, 1], Values(ds.Take(2)));
        Assert.Equal(2, computed);
        Assert.Equal(Iota(0, 5), Values(ds));   // not truncated to the partial pass
        Assert.Equal(7, computed);
        Assert.Equal(Iota(0, 5), Values(ds));
        Assert.Equal(7, computed);
    }

    [Fact]
    public void A_shuffle_above_the_cache_still_reshuffles()
    {
        int computed = 0;
        Dataset ds = Range(30).Map(x => { computed++; return x; }).Cache().Shuffle(30, seed: 4);
        List<int> a = Values(ds), b = Values(ds);
        Assert.NotEqual(a, b);
        Assert.Equal(a.Order(), b.Order());
        Assert.Equal(30, computed);
    }
}
