namespace Nabla.Tests;

/// <summary>Checks that warm code allocates no managed memory.</summary>
internal static class AllocationAssert
{
    /// <summary>
    /// Runs <paramref name="action"/> once to warm it up, then asserts that, in at least one of up to 20 further runs,
    /// it allocates nothing on the calling thread and nothing in the whole process (which covers worker threads too).
    /// </summary>
    /// <remarks>
    /// The process-wide counter also sees the test host, which allocates on its own threads now and then (result
    /// reporting), and the test thread itself once saw a one-off allocation in a warm loop (3,552 bytes, in one of
    /// some 25 runs of the suite), so a single dirty run proves nothing; a clean one proves that the code under test,
    /// workers included, allocated nothing, and code that allocates on every call never gets one. After a dirty run
    /// the next waits 10 ms: in a full run of the suite all 20 runs of a fast call once fell inside one burst of the
    /// host's reporting (4,504 bytes each in the process, none on the calling thread).
    /// </remarks>
    public static void DoesNotAllocate(Action action) => Check(action, processWide: true);

    /// <summary>
    /// Like <see cref="DoesNotAllocate"/> but counts only the calling thread, for code that never uses other threads
    /// and tests that run in parallel with others (whose allocations the process-wide counter would see).
    /// </summary>
    public static void DoesNotAllocateOnThisThread(Action action) => Check(action, processWide: false);

    private static void Check(Action action, bool processWide)
    {
        action();
        long thread = long.MaxValue, total = long.MaxValue;
        for (int attempt = 0; attempt < 20 && (thread != 0 || total != 0); attempt++)
        {
            if (attempt > 0)
            {
                // Give the host's own threads a moment: in a full run their reporting can overlap many quick runs.
                Thread.Sleep(10);
            }

            long threadBefore = GC.GetAllocatedBytesForCurrentThread();
            long totalBefore = processWide ? GC.GetTotalAllocatedBytes(precise: true) : 0;
            action();
            total = processWide ? GC.GetTotalAllocatedBytes(precise: true) - totalBefore : 0;
            thread = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
        }

        Assert.True(thread == 0 && total == 0, processWide
            ? $"In each of 20 runs something was allocated; in the last, {thread} bytes on the calling thread and {total} in the process."
            : $"In each of 20 runs something was allocated on the calling thread; in the last, {thread} bytes.");
    }
}
