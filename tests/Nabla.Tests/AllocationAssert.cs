namespace Nabla.Tests;

/// <summary>Checks that warm code allocates no managed memory.</summary>
internal static class AllocationAssert
{
    /// <summary>
    /// Runs <paramref name="action"/> once to warm it up, then asserts that further runs allocate
    /// nothing on the calling thread and, in at least one of up to 20 runs, nothing in the whole
    /// process (which covers worker threads too).
    /// </summary>
    /// <remarks>
    /// The process-wide counter also sees the test host, which allocates on its own threads now and
    /// then (result reporting), so a single dirty run proves nothing; a clean one proves the code
    /// under test, workers included, allocated nothing.
    /// </remarks>
    public static void DoesNotAllocate(Action action)
    {
        action();
        long total = long.MaxValue;
        for (int attempt = 0; attempt < 20 && total != 0; attempt++)
        {
            long threadBefore = GC.GetAllocatedBytesForCurrentThread();
            long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
            action();
            total = GC.GetTotalAllocatedBytes(precise: true) - totalBefore;
            long thread = GC.GetAllocatedBytesForCurrentThread() - threadBefore;
            Assert.True(thread == 0, $"The calling thread allocated {thread} bytes.");
        }

        Assert.True(total == 0, $"The process allocated {total} bytes in each of 20 runs.");
    }
}
