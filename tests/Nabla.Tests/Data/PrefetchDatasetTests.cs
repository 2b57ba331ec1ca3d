using Nabla.Data;
using static Nabla.Tests.Data.DatasetTesting;

namespace Nabla.Tests.Data;

public class PrefetchDatasetTests
{
    [Fact]
    public void Prefetch_preserves_the_order()
    {
        Assert.Equal(Iota(0, 300), Values(Range(300).Prefetch(3)));
        Assert.Equal(Iota(0, 300), Values(Range(300).Prefetch(Dataset.Autotune)));
        Assert.Equal(Iota(0, 300), Values(Range(300).Map(x => x).Prefetch(1).Prefetch(7)));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(8, 8)]
    [InlineData(Dataset.Autotune, 2)]
    public void The_producer_runs_at_most_bufferSize_elements_ahead_of_a_blocked_consumer(int bufferSize, int queued)
    {
        int produced = 0;
        Dataset ds = Range(1000).Map(x => { Interlocked.Increment(ref produced); return x; }).Prefetch(bufferSize);
        using IEnumerator<DatasetElement> e = ds.GetEnumerator();
        for (int taken = 1; taken <= 3; taken++)
        {
            Assert.True(e.MoveNext());
            Assert.Equal(taken - 1, (int)e.Current.X.Item());

            // While the consumer holds still, the producer fills the queue (it does prefetch) ...
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (Volatile.Read(ref produced) < taken + queued && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1);
            }

            Assert.True(Volatile.Read(ref produced) >= taken + queued, $"after {taken} taken the producer made only {produced} of {taken + queued}");

            // ... and then stops: at most one more element, made and waiting for room. Unbounded, it would reach 1000.
            Thread.Sleep(200);
            int ahead = Volatile.Read(ref produced) - taken;
            Assert.InRange(ahead, queued, queued + 1);
        }
    }

    [Fact]
    public void Elements_are_produced_on_another_thread()
    {
        int consumer = Environment.CurrentManagedThreadId, producer = consumer;
        _ = Range(3).Map(x => { producer = Environment.CurrentManagedThreadId; return x; }).Prefetch(1).ToList();
        Assert.NotEqual(consumer, producer);
    }

    [Fact]
    public void A_producer_exception_reaches_the_consumer_after_the_earlier_elements()
    {
        Dataset ds = Range(10).Map(x => x.Item() == 5f ? throw new FormatException("bad element 5") : x).Prefetch(2);
        var seen = new List<int>();
        var ex = Assert.Throws<FormatException>(() =>
        {
            foreach (DatasetElement e in ds)
            {
                seen.Add((int)e.X.Item());
            }
        });
        Assert.Equal("bad element 5", ex.Message);
        Assert.Equal(Iota(0, 5), seen);
    }

    [Fact]
    public void Disposing_the_enumerator_stops_the_producer()
    {
        Thread? producer = null;
        Dataset ds = Range(10).Repeat().Map(x => { producer = Thread.CurrentThread; return x; }).Prefetch(2);
        Assert.Equal(Iota(0, 3), Values(ds.Take(3)));   // foreach disposes the enumerator
        Assert.NotNull(producer);
        Assert.False(producer.IsAlive);
    }

    [Fact]
    public void An_abandoned_enumerator_stops_the_producer_once_collected()
    {
        Thread producer = StartAndAbandon();
        for (int i = 0; i < 100 && producer.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            producer.Join(50);
        }

        Assert.False(producer.IsAlive);
    }

    [Fact]
    public void An_enumerator_that_is_never_read_starts_no_thread()
    {
        bool produced = false;
        Dataset ds = Range(3).Map(x => { produced = true; return x; }).Prefetch(2);
        using (IEnumerator<DatasetElement> e = ds.GetEnumerator())
        {
            Thread.Sleep(20);
        }

        Assert.False(produced);
    }

    // In its own method so that no local of the caller keeps the enumerator alive.
    private static Thread StartAndAbandon()
    {
        Thread? producer = null;
        Dataset ds = Range(10).Repeat().Map(x => { producer = Thread.CurrentThread; return x; }).Prefetch(2);
        IEnumerator<DatasetElement> e = ds.GetEnumerator();
        Assert.True(e.MoveNext());
        return producer!;
    }
}
