namespace Nabla.Tensors;

/// <summary>NumPy's broadcasting rule for shapes.</summary>
internal static class Broadcasting
{
    /// <summary>Largest rank an elementwise result may have.</summary>
    public const int MaxRank = 16;

    /// <summary>
    /// Writes the broadcast shape of <paramref name="a"/> and <paramref name="b"/> into
    /// <paramref name="result"/> and returns its rank. Shapes are aligned on the right; each pair of axes must be
    /// equal or one of them 1.
    /// </summary>
    /// <exception cref="ShapeMismatchException">The shapes are incompatible; the message names the operation, both shapes and the first axis that clashes.</exception>
    public static int ResultShape(string operation, ReadOnlySpan<int> a, ReadOnlySpan<int> b, Span<int> result)
    {
        int rank = Math.Max(a.Length, b.Length);
        if (rank > MaxRank)
        {
            throw new ArgumentException($"{operation}: tensors of rank above {MaxRank} are not supported, but received ranks {a.Length} and {b.Length}.");
        }

        for (int i = 1; i <= rank; i++)
        {
            int da = i <= a.Length ? a[^i] : 1;
            int db = i <= b.Length ? b[^i] : 1;
            if (da != db && da != 1 && db != 1)
            {
                string sa = ShapeUtil.Format(a), sb = ShapeUtil.Format(b);
                throw new ShapeMismatchException(operation, $"shapes broadcastable with {sa}", sb,
                    $"{operation}: shapes {sa} and {sb} cannot be broadcast together: axis {-i} has length {da} in the first and {db} in the second. " +
                    "Axes are compared from the right and must be equal or 1.");
            }

            result[rank - i] = da == 1 ? db : da;
        }

        return rank;
    }

    /// <summary>True when <paramref name="small"/> broadcasts to exactly <paramref name="big"/>.</summary>
    public static bool BroadcastsTo(ReadOnlySpan<int> small, ReadOnlySpan<int> big)
    {
        if (small.Length > big.Length)
        {
            return false;
        }

        for (int i = 1; i <= small.Length; i++)
        {
            if (small[^i] != 1 && small[^i] != big[^i])
            {
                return false;
            }
        }

        return true;
    }
}
