using Nabla.Kernels.Parallel;

namespace Nabla.Tests.Kernels.Parallel;

public class TwoEndedClaimsTests
{
    private static List<int> ClaimAll(ref TwoEndedClaims claims, bool fromFirst)
    {
        var items = new List<int>();
        while (claims.TryClaim(fromFirst, out int item))
            items.Add(item);
        Assert.False(claims.TryClaim(fromFirst, out int none));
        Assert.Equal(-1, none);
        return items;
    }

    [Fact]
    public void One_thread_takes_every_item_from_its_end()
    {
        TwoEndedClaims claims = default;
        claims.Start(5);
        Assert.Equal([0, 1, 2, 3, 4], ClaimAll(ref claims, fromFirst: true));
        claims.Start(5);
        Assert.Equal([4, 3, 2, 1, 0], ClaimAll(ref claims, fromFirst: false));
        claims.Start(0);
        Assert.Empty(ClaimAll(ref claims, fromFirst: true));
    }

    // Taking turns, the first end gets 0, 1, 2 and the last 6, 5, 4, 3: they meet once, and nothing is handed out twice.
    [Fact]
    public void The_ends_meet_in_the_middle()
    {
        TwoEndedClaims claims = default;
        claims.Start(7);
        var first = new List<int>();
        var last = new List<int>();
        for (int turn = 0; turn < 7; turn++)
        {
            bool fromFirst = turn % 2 == 1;
            Assert.True(claims.TryClaim(fromFirst, out int item));
            (fromFirst ? first : last).Add(item);
        }

        Assert.False(claims.TryClaim(true, out _));
        Assert.False(claims.TryClaim(false, out _));
        Assert.Equal([0, 1, 2], first);
        Assert.Equal([6, 5, 4, 3], last);
    }

    [Fact]
    public void A_negative_count_is_refused()
    {
        TwoEndedClaims claims = default;
        Assert.Throws<ArgumentOutOfRangeException>(() => claims.Start(-1));
    }

    // Four threads racing, two from each end, over 200,000 items many times: every item exactly once, and each thread's
    // items in its end's order.
    [Fact]
    public void Racing_threads_claim_every_item_exactly_once()
    {
        const int count = 200_000;
        var claims = new TwoEndedClaims[1];
        for (int round = 0; round < 5; round++)
        {
            claims[0].Start(count);
            var taken = new int[count];
            var lists = new List<int>[4];
            using var start = new Barrier(4);
            var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
            {
                bool fromFirst = t % 2 == 0;
                var mine = new List<int>();
                start.SignalAndWait();
                while (claims[0].TryClaim(fromFirst, out int item))
                {
                    Interlocked.Increment(ref taken[item]);
                    mine.Add(item);
                }

                lists[t] = mine;
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());

            Assert.All(taken, n => Assert.Equal(1, n));
            for (int t = 0; t < 4; t++)
            {
                List<int> mine = lists[t];
                for (int i = 1; i < mine.Count; i++)
                    Assert.True(t % 2 == 0 ? mine[i] > mine[i - 1] : mine[i] < mine[i - 1], $"thread {t} claimed {mine[i]} after {mine[i - 1]}");
            }
        }
    }
}
