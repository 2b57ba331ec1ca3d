namespace Nabla.Kernels.Parallel;

/// <summary>
/// Hands out the items [0, count) of one parallel call, each exactly once: the calling thread takes them from the first
/// up, every other thread from the last down, until the two ends meet.
/// </summary>
/// <remarks>
/// With two threads each one takes the same items call after call when they finish together, so the data an item reads
/// stays in that core's cache from one call to the next; a thread that falls behind (a core shared with another guest,
/// a worker slow to wake) is left fewer items, since the other one goes on claiming past the middle. The two ends are
/// one 64-bit word changed by compare-and-swap, so a claim never hands out an item twice. <see cref="ParallelRunner"/>
/// claims the indices of every batch this way.
/// </remarks>
internal struct TwoEndedClaims
{
    // The next item from the first end in the low 32 bits, the next from the last end in the high 32 bits; empty once
    // the low passes the high.
    private long _ends;

    /// <summary>Sets the items to [0, <paramref name="count"/>), none claimed.</summary>
    /// <param name="count">How many items, at least 0.</param>
    public void Start(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Volatile.Write(ref _ends, Pack(0, count - 1));
    }

    /// <summary>Claims the next item from the first end (<paramref name="fromFirst"/>) or from the last.</summary>
    /// <param name="fromFirst">True on the calling thread, false on the others.</param>
    /// <param name="item">The item claimed, or -1 when none is left.</param>
    /// <returns>Whether an item was claimed.</returns>
    public bool TryClaim(bool fromFirst, out int item)
    {
        while (true)
        {
            long ends = Volatile.Read(ref _ends);
            int low = (int)ends, high = (int)(ends >> 32);
            if (low > high)
            {
                item = -1;
                return false;
            }

            long next = fromFirst ? Pack(low + 1, high) : Pack(low, high - 1);
            if (Interlocked.CompareExchange(ref _ends, next, ends) == ends)
            {
                item = fromFirst ? low : high;
                return true;
            }
        }
    }

    private static long Pack(int low, int high) => ((long)high << 32) | (uint)low;
}
