using Nabla.Kernels.Parallel;

namespace Nabla.Kernels;

/// <summary>How the convolution-family kernels (<see cref="Convolution"/>, <see cref="Pooling"/>, <see cref="BatchNorm"/>, <see cref="Resize"/>) split their work over threads.</summary>
/// <remarks>
/// <para>
/// A kernel cuts its work into items whose partition depends only on the shapes (never on the thread count, so results
/// are the same bits however many threads run), then lets <see cref="Parts"/> threads claim the items one at a time
/// from a shared counter (<see cref="Run{TWork}"/>): a thread that other processes slow down simply claims fewer.
/// Work below a threshold per thread, or any call made from inside a parallel job, runs on the calling thread.
/// </para>
/// <para>
/// Never nested: work items run as jobs of <see cref="ParallelRunner"/>, and a GEMM an item calls sees
/// <see cref="ParallelRunner.IsInsideJob"/> and runs serially. A kernel that runs serially at the top level may still
/// call GEMMs that split themselves (a large product for one image).
/// </para>
/// </remarks>
internal static class SpatialThreads
{
    private static int _maxThreads = Parallel.ThreadBudget.Threads;
    private static double _minFlopsPerThread = DefaultMinFlopsPerThread;
    private static double _minElementsPerThread = DefaultMinElementsPerThread;

    /// <summary>Default flops per thread before compute-bound work (convolutions) is split: GEMM's threshold.</summary>
    public const double DefaultMinFlopsPerThread = Gemm.DefaultMinFlopsPerThread;

    /// <summary>Default floats moved per thread before memory-bound work (pooling, batch norm, padding) is split: 32K floats, 128 KB.</summary>
    public const double DefaultMinElementsPerThread = 1 << 15;

    /// <summary>Most threads one call may use (default the thread budget, see <c>ThreadBudget</c>; 1 = single-threaded).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    internal static int MaxThreads
    {
        get => _maxThreads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _maxThreads = value;
        }
    }

    /// <summary>Flops a compute-bound call needs per thread before it is split; tests set 0 to split even tiny calls.</summary>
    internal static double MinFlopsPerThread
    {
        get => _minFlopsPerThread;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _minFlopsPerThread = value;
        }
    }

    /// <summary>Floats a memory-bound call moves per thread before it is split; tests set 0 to split even tiny calls.</summary>
    internal static double MinElementsPerThread
    {
        get => _minElementsPerThread;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _minElementsPerThread = value;
        }
    }

    /// <summary>Threads for compute-bound work of <paramref name="flops"/> flops cut into <paramref name="items"/> items.</summary>
    public static int PartsForFlops(double flops, int items) => Parts(flops / Math.Max(_minFlopsPerThread, 1e-300), items);

    /// <summary>Threads for memory-bound work moving <paramref name="elements"/> floats cut into <paramref name="items"/> items.</summary>
    public static int PartsForElements(double elements, int items) => Parts(elements / Math.Max(_minElementsPerThread, 1e-300), items);

    /// <summary>Runs <c>work.Run(i)</c> for every i in [0, <paramref name="items"/>) on <paramref name="parts"/> threads that claim items one at a time.</summary>
    /// <typeparam name="TWork">The work; a struct so calls bind statically and nothing is boxed.</typeparam>
    /// <param name="items">Number of items.</param>
    /// <param name="parts">Threads to use (from <see cref="PartsForFlops"/> or <see cref="PartsForElements"/>); 1 runs them in order on the caller.</param>
    /// <param name="work">The work; shared by every thread (items must write only their own outputs).</param>
    public static void Run<TWork>(int items, int parts, ref TWork work)
        where TWork : struct, IWorkItems
    {
        if (parts <= 1 || items <= 1)
        {
            for (int i = 0; i < items; i++)
                work.Run(i);
            return;
        }

        var job = new ClaimJob<TWork> { Work = work, Items = items };
        ParallelRunner.For(Math.Min(parts, items), ref job);
    }

    private static int Parts(double threadsWorth, int items)
    {
        int threads = Math.Min(_maxThreads, ParallelRunner.MaxParallelism);
        if (threads <= 1 || items <= 1 || ParallelRunner.IsInsideJob)
            return 1;
        return (int)Math.Clamp(threadsWorth, 1, Math.Min(threads, items));
    }

    // Each runner index claims items from the shared counter until none are left. The runner keeps the job on the
    // caller's stack and hands every thread the same instance, so Next is shared.
    private struct ClaimJob<TWork> : IParallelJob
        where TWork : struct, IWorkItems
    {
        public TWork Work;
        public int Items;
        public int Next;

        public void Execute(int index)
        {
            int item;
            while ((item = Interlocked.Increment(ref Next) - 1) < Items)
                Work.Run(item);
        }
    }
}

/// <summary>Work cut into numbered items that <see cref="SpatialThreads.Run{TWork}"/> spreads over threads.</summary>
internal interface IWorkItems
{
    /// <summary>Does item <paramref name="item"/>; items run concurrently and must write disjoint outputs.</summary>
    /// <param name="item">The item, in [0, items).</param>
    void Run(int item);
}
