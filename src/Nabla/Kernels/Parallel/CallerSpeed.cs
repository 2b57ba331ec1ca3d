namespace Nabla.Kernels.Parallel;

/// <summary>
/// How fast the calling thread of a two-way parallel call works compared with the worker, measured on recent calls,
/// and the cut of a call's work into two parts that lets both finish together.
/// </summary>
/// <remarks>
/// <para>
/// On a virtual machine the two vCPUs need not run at the same speed: another guest on the host slows one of them,
/// for seconds at a time. On the Intel Xeon (Emerald Rapids) guest of the benchmarks, W3's two halves of every product
/// took 19–41% longer on one core than on the other for a whole run, while the other core spun, waiting for it, 15% of
/// the time. Two-ended claims (<see cref="TwoEndedClaims"/>) cannot move work between two parts once both are taken,
/// and cutting a product into more parts costs packing (see <c>Gemm.ChooseGrid</c>); this cuts the two parts unevenly
/// instead, in proportion to the speeds the threads showed on the calls before.
/// </para>
/// <para>
/// Each measurement is the ratio of the two threads' rates (work units per tick, each timed over its own part, so a
/// worker slow to wake does not count as slow to work); the estimate is a moving average of its logarithm, bounded to
/// [1/<see cref="MaxRatio"/>, <see cref="MaxRatio"/>]. Calls on any thread may record and read it at once: a record
/// is a compare-and-swap, so none is lost, and a reader sees one whole estimate. The cut changes which thread computes
/// which elements, never how an element is computed, so results do not depend on it. A moved cut no longer matches the
/// optimizer's share of a weight matrix exactly (<see cref="WeightShares"/>): the tiles it moves are read from the
/// other core's cache, a price paid only when the speeds differ enough to move it.
/// </para>
/// </remarks>
internal sealed class CallerSpeed
{
    /// <summary>The largest speed ratio, either way, that the estimate takes (the caller's part stays within [1/3, 2/3]).</summary>
    public const double MaxRatio = 2.0;

    // Weight of a new measurement in the moving average: about the last eight calls count.
    private const double Smoothing = 0.125;

    private static readonly double MaxLog = Math.Log(MaxRatio);

    // ln(caller's rate / worker's rate), as the bits of a double so that it can be swapped atomically.
    private long _logRatioBits;

    /// <summary>The estimate that the library's parallel products share.</summary>
    public static CallerSpeed Shared { get; } = new();

    /// <summary>The estimated ratio of the caller's rate to the worker's: 1 until something is recorded.</summary>
    public double Ratio => Math.Exp(BitConverter.Int64BitsToDouble(Volatile.Read(ref _logRatioBits)));

    /// <summary>Records one call: the work units each thread did and the ticks it took.</summary>
    /// <param name="callerUnits">Work the calling thread did.</param>
    /// <param name="callerTicks">Ticks (<see cref="System.Diagnostics.Stopwatch"/>) it took.</param>
    /// <param name="workerUnits">Work the worker did, in the same units.</param>
    /// <param name="workerTicks">Ticks it took.</param>
    /// <remarks>A measurement with no work or no time on either side is ignored.</remarks>
    public void Record(long callerUnits, long callerTicks, long workerUnits, long workerTicks)
    {
        if (callerUnits <= 0 || callerTicks <= 0 || workerUnits <= 0 || workerTicks <= 0)
            return;

        double sample = Math.Clamp(
            Math.Log((double)callerUnits / callerTicks) - Math.Log((double)workerUnits / workerTicks), -MaxLog, MaxLog);
        while (true)
        {
            long bits = Volatile.Read(ref _logRatioBits);
            double current = BitConverter.Int64BitsToDouble(bits);
            double next = current + (Smoothing * (sample - current));
            if (Interlocked.CompareExchange(ref _logRatioBits, BitConverter.DoubleToInt64Bits(next), bits) == bits)
                return;
        }
    }

    /// <summary>Sets the estimate (tests, and a fresh start).</summary>
    /// <param name="ratio">The caller's rate over the worker's, within [1/<see cref="MaxRatio"/>, <see cref="MaxRatio"/>].</param>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is outside that range or not a number.</exception>
    public void Reset(double ratio = 1.0)
    {
        if (!(ratio >= 1 / MaxRatio && ratio <= MaxRatio))
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, $"The speed ratio must be within [{1 / MaxRatio}, {MaxRatio}].");
        Volatile.Write(ref _logRatioBits, BitConverter.DoubleToInt64Bits(Math.Log(ratio)));
    }

    /// <summary>How many of <paramref name="units"/> equal pieces of work the caller's part takes so that the later of the two parts finishes first at the estimated ratio.</summary>
    /// <param name="units">Pieces to share out, at least 2.</param>
    /// <returns>The caller's pieces, from 1 to <paramref name="units"/> − 1.</returns>
    /// <remarks>
    /// Both parts would finish together at units·r / (1 + r) pieces for the caller (r the ratio); of the whole numbers
    /// either side of it, the one whose slower part takes less time wins, the even cut on a tie. So an estimate a little
    /// off 1 keeps 8 of 16 pieces each: moving one would make the slower part longer (9 pieces) than the estimate's
    /// difference saves, until r is below 8/9 or above 9/8.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="units"/> is below 2.</exception>
    public int CallerUnits(int units)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 2);
        double ratio = Ratio;
        int below = Math.Clamp((int)Math.Floor(units * ratio / (1 + ratio)), 1, units - 1);
        int above = Math.Min(below + 1, units - 1);
        double slowerBelow = Math.Max(below / ratio, units - below), slowerAbove = Math.Max(above / ratio, units - above);
        if (slowerBelow == slowerAbove)
            return Math.Abs((2 * below) - units) <= Math.Abs((2 * above) - units) ? below : above;
        return slowerBelow < slowerAbove ? below : above;
    }
}
