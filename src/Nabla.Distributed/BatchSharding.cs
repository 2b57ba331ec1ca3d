namespace Nabla.Distributed;

/// <summary>
/// Which rows of a global batch each rank takes in data-parallel training: a contiguous slice, the ranks' slices
/// together covering every row exactly once, in rank order.
/// </summary>
/// <remarks>
/// <para>
/// A batch of <c>B</c> rows over <c>R</c> ranks gives each rank <c>B / R</c> rows, and one more to the first
/// <c>B % R</c> ranks (as <c>numpy.array_split</c> does): 10 rows over 4 ranks are 3, 3, 2, 2. The last, short batch of
/// an epoch is split the same way, so a rank may get no rows when <c>B &lt; R</c>.
/// </para>
/// <para>
/// Equal gradients need equal weights. The global batch's loss is the mean over its <c>B</c> rows, so its gradient is
/// <c>Σ_r (n_r / B) · g_r</c>, where <c>g_r</c> is the mean gradient over rank r's <c>n_r</c> rows. When every
/// <c>n_r</c> is <c>B / R</c> this is the plain average of the <c>g_r</c>
/// (<see cref="GradientBuckets.AllReduceAverage"/>); otherwise each rank scales its <c>g_r</c> by
/// <see cref="GradientWeight"/> (<c>n_r / B</c>, 0 for an empty shard) and the ranks sum
/// (<see cref="GradientBuckets.AllReduceSum"/>).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var (start, count) = BatchSharding.RowsForRank(batchRows: 64, ranks: world.Size, rank: world.Rank);
/// Tensor xLocal = xBatch[start..(start + count)];
/// </code>
/// </example>
public static class BatchSharding
{
    /// <summary>The rows of a batch of <paramref name="batchRows"/> rows that rank <paramref name="rank"/> of <paramref name="ranks"/> takes.</summary>
    /// <param name="batchRows">The number of rows in the global batch (0 allowed).</param>
    /// <param name="ranks">The number of ranks (at least 1).</param>
    /// <param name="rank">The rank, in [0, <paramref name="ranks"/>).</param>
    /// <returns>The first row and the number of rows; rank r's slice starts where rank r − 1's ends.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static (int Start, int Count) RowsForRank(int batchRows, int ranks, int rank)
    {
        Validate(batchRows, ranks, rank);
        int quotient = batchRows / ranks, remainder = batchRows % ranks;
        int start = (rank * quotient) + Math.Min(rank, remainder);
        return (start, quotient + (rank < remainder ? 1 : 0));
    }

    /// <summary>The factor <c>n_r / B</c> by which rank <paramref name="rank"/> scales its mean gradient before the ranks sum them.</summary>
    /// <param name="batchRows">The number of rows in the global batch.</param>
    /// <param name="ranks">The number of ranks (at least 1).</param>
    /// <param name="rank">The rank, in [0, <paramref name="ranks"/>).</param>
    /// <returns>The rank's share of the batch's rows: 0 for an empty shard or an empty batch.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An argument is out of range.</exception>
    public static double GradientWeight(int batchRows, int ranks, int rank)
    {
        (_, int count) = RowsForRank(batchRows, ranks, rank);
        return batchRows == 0 ? 0 : (double)count / batchRows;
    }

    private static void Validate(int batchRows, int ranks, int rank)
    {
        if (batchRows < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchRows), batchRows, $"BatchSharding: batchRows must be non-negative, but received {batchRows}.");
        }

        if (ranks < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ranks), ranks, $"BatchSharding: ranks must be at least 1, but received {ranks}.");
        }

        if (rank < 0 || rank >= ranks)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), rank, $"BatchSharding: rank must be in [0, {ranks}), but received {rank}.");
        }
    }
}
