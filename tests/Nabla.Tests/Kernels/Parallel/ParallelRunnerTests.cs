using Nabla.Kernels.Parallel;

namespace Nabla.Tests.Kernels.Parallel;

[Collection(KernelSettingsCollection.Name)]
public sealed class ParallelRunnerTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(100_000)]
    public void Every_index_runs_exactly_once(int count)
    {
        var hits = new int[count];
        var job = new CountingJob(hits);
        ParallelRunner.For(count, ref job);
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void Repeated_batches_each_run_every_index_once()
    {
        var hits = new int[64];
        for (int round = 1; round <= 2000; round++)
        {
            var job = new CountingJob(hits);
            ParallelRunner.For(hits.Length, ref job);
            Assert.Equal(round * hits.Length, hits.Sum());
        }

        Assert.All(hits, h => Assert.Equal(2000, h));
    }

    [Fact]
    public void Workers_take_part_when_the_caller_is_busy()
    {
        if (ParallelRunner.WorkerCount == 0)
            return;
        var threadIds = new int[40];
        var job = new SlowJob(threadIds, millisecondsPerIndex: 2);
        ParallelRunner.For(threadIds.Length, ref job);
        Assert.True(threadIds.Distinct().Count() > 1, "all indices ran on one thread");
    }

    // The caller claims from the first index up and the workers from the last down, so each takes a contiguous run
    // from its end (on two threads, the same run call after call when they keep pace): whatever the timing, the
    // caller's indices are 0, 1, 2, … in order and the others' N−1, N−2, … in order.
    [Fact]
    public void The_caller_claims_from_the_first_index_and_the_workers_from_the_last()
    {
        int caller = Environment.CurrentManagedThreadId;
        for (int round = 0; round < 20; round++)
        {
            var threadIds = new int[40];
            var order = new int[40];
            int next = 0;
            var job = new OrderJob(threadIds, order, () => Interlocked.Increment(ref next));
            ParallelRunner.For(threadIds.Length, ref job);

            int[] mine = [.. Enumerable.Range(0, 40).Where(i => threadIds[i] == caller).OrderBy(i => order[i])];
            int[] theirs = [.. Enumerable.Range(0, 40).Where(i => threadIds[i] != caller).OrderBy(i => order[i])];
            Assert.Equal(Enumerable.Range(0, mine.Length), mine);
            if (ParallelRunner.WorkerCount == 1)
                Assert.Equal(Enumerable.Range(mine.Length, theirs.Length).Reverse(), theirs);
            foreach (IGrouping<int, int> worker in theirs.GroupBy(i => threadIds[i]))
                Assert.Equal([.. worker.OrderDescending()], worker.ToArray());
        }
    }

    [Fact]
    public void Sleeping_workers_are_woken_by_the_next_batch()
    {
        var hits = new int[8];
        var job = new CountingJob(hits);
        ParallelRunner.For(hits.Length, ref job);

        // Long enough for the workers to stop spinning and block.
        Thread.Sleep(TimeSpan.FromMilliseconds(50 + (ParallelRunner.SpinMicroseconds / 100)));
        job = new CountingJob(hits);
        ParallelRunner.For(hits.Length, ref job);
        Assert.All(hits, h => Assert.Equal(2, h));
    }

    [Fact]
    public void Exception_in_a_job_reaches_the_caller_and_the_runner_keeps_working()
    {
        var job = new ThrowingJob(throwAt: 5);
        var e = Assert.Throws<InvalidOperationException>(() => ParallelRunner.For(50, ref job));
        Assert.Equal("index 5", e.Message);
        Assert.Contains(nameof(ThrowingJob), e.StackTrace, StringComparison.Ordinal);

        var hits = new int[50];
        var counting = new CountingJob(hits);
        ParallelRunner.For(hits.Length, ref counting);
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Fact]
    public void Nested_calls_run_serially_on_the_calling_thread()
    {
        var outerThreads = new int[6];
        var innerThreads = new int[6 * 10];
        var job = new NestingJob(outerThreads, innerThreads, inner: 10);
        ParallelRunner.For(outerThreads.Length, ref job);
        for (int i = 0; i < outerThreads.Length; i++)
        {
            for (int j = 0; j < 10; j++)
                Assert.Equal(outerThreads[i], innerThreads[(i * 10) + j]);
        }

        Assert.False(ParallelRunner.IsInsideJob);
    }

    [Fact]
    public void Concurrent_callers_each_get_all_their_indices()
    {
        var results = new int[4][];
        var threads = new Thread[4];
        for (int t = 0; t < threads.Length; t++)
        {
            int id = t;
            threads[t] = new Thread(() =>
            {
                var hits = new int[1000];
                for (int round = 0; round < 200; round++)
                {
                    var job = new CountingJob(hits);
                    ParallelRunner.For(hits.Length, ref job);
                }

                results[id] = hits;
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
            thread.Join();
        Assert.All(results, hits => Assert.All(hits, h => Assert.Equal(200, h)));
    }

    [Fact]
    public void Ref_struct_jobs_can_hold_spans()
    {
        Span<int> values = stackalloc int[100];
        var job = new SpanJob(values);
        ParallelRunner.For(values.Length, ref job);
        for (int i = 0; i < values.Length; i++)
            Assert.Equal(i * i, values[i]);
    }

    [Fact]
    public void Negative_count_throws()
    {
        var job = new CountingJob([]);
        Assert.Throws<ArgumentOutOfRangeException>(() => ParallelRunner.For(-1, ref job));
    }

    [Fact]
    public void Warm_calls_do_not_allocate()
    {
        var hits = new int[32];
        AllocationAssert.DoesNotAllocate(() =>
        {
            var job = new CountingJob(hits);
            for (int i = 0; i < 200; i++)
                ParallelRunner.For(hits.Length, ref job);
        });
    }

    private readonly struct CountingJob(int[] hits) : IParallelJob
    {
        public void Execute(int index) => Interlocked.Increment(ref hits[index]);
    }

    private readonly struct SlowJob(int[] threadIds, int millisecondsPerIndex) : IParallelJob
    {
        public void Execute(int index)
        {
            threadIds[index] = Environment.CurrentManagedThreadId;
            Thread.Sleep(millisecondsPerIndex);
        }
    }

    // Records which thread ran each index, and in which order the indices started.
    private readonly struct OrderJob(int[] threadIds, int[] order, Func<int> tick) : IParallelJob
    {
        public void Execute(int index)
        {
            order[index] = tick();
            threadIds[index] = Environment.CurrentManagedThreadId;
            Thread.SpinWait(2000);
        }
    }

    private readonly struct ThrowingJob(int throwAt) : IParallelJob
    {
        public void Execute(int index)
        {
            if (index == throwAt)
                throw new InvalidOperationException($"index {index}");
        }
    }

    private readonly struct NestingJob(int[] outerThreads, int[] innerThreads, int inner) : IParallelJob
    {
        public void Execute(int index)
        {
            outerThreads[index] = Environment.CurrentManagedThreadId;
            Assert.True(ParallelRunner.IsInsideJob || ParallelRunner.WorkerCount == 0);
            var job = new RecordThreadJob(innerThreads, index * inner);
            ParallelRunner.For(inner, ref job);
        }
    }

    private readonly struct RecordThreadJob(int[] threadIds, int offset) : IParallelJob
    {
        public void Execute(int index) => threadIds[offset + index] = Environment.CurrentManagedThreadId;
    }

    private readonly ref struct SpanJob(Span<int> values) : IParallelJob
    {
        private readonly Span<int> _values = values;

        public void Execute(int index) => _values[index] = index * index;
    }
}
