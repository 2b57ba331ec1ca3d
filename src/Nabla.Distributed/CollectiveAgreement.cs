using System.Globalization;
using System.Text;

namespace Nabla.Distributed;

/// <summary>
/// The verdict on a table of <see cref="CollectiveDescriptor"/>s, one per rank: go ahead, or throw. Every rank holds the
/// same table, so every rank reaches the same verdict and a mistake never leaves part of the job inside MPI.
/// </summary>
internal static class CollectiveAgreement
{
    private const int RanksListed = 8;

    /// <summary>Returns when every rank's arguments passed their checks and every rank called the same collective as rank 0.</summary>
    /// <param name="table">The descriptors, indexed by rank.</param>
    /// <param name="rank">This rank.</param>
    /// <param name="localError">This rank's argument error, thrown when its descriptor says it failed its checks.</param>
    /// <exception cref="ArgumentException">This rank's arguments failed their checks (<paramref name="localError"/>).</exception>
    /// <exception cref="RankFailedException">Another rank's arguments failed their checks.</exception>
    /// <exception cref="RankMismatchException">The ranks called different collectives, or with different counts, types, roots or operations.</exception>
    public static void Check(ReadOnlySpan<CollectiveDescriptor> table, int rank, Exception? localError)
    {
        if (table[rank].ArgumentError != 0)
        {
            throw localError ?? new ArgumentException($"{table[rank].Describe()}: the arguments failed their checks.");
        }

        for (int r = 0; r < table.Length; r++)
        {
            if (table[r].ArgumentError != 0)
            {
                throw new RankFailedException(
                    $"Rank {r} of {table.Length} passed invalid arguments to {table[r].Describe()}, so no rank runs it; rank {r} threw " +
                    $"an exception that says which. This rank ({rank}) called {table[rank].Describe()}.", rank, r);
            }
        }

        List<int>? differ = null;
        for (int r = 1; r < table.Length; r++)
        {
            if (!Agrees(table[0], table[r]))
            {
                (differ ??= []).Add(r);
            }
        }

        if (differ is not null)
        {
            var message = new StringBuilder("The ranks' collective calls do not match: rank 0 called ").Append(table[0].Describe());
            for (int i = 0; i < Math.Min(differ.Count, RanksListed); i++)
            {
                message.Append(i == 0 ? ", but rank " : "; rank ").Append(differ[i]).Append(" called ").Append(table[differ[i]].Describe());
            }

            if (differ.Count > RanksListed)
            {
                message.Append(CultureInfo.InvariantCulture, $"; and {differ.Count - RanksListed} more ranks differ");
            }

            message.Append(". Every rank must call the same collectives in the same order with the same counts; a rank that skips one ")
                   .Append("(an early return, a loop that runs one step fewer) desynchronizes the job.");
            throw new RankMismatchException(message.ToString(), rank, differ);
        }
    }

    /// <summary>Writes every rank's count of an <see cref="CollectiveKind.AllGatherV"/> to <paramref name="counts"/> and checks that every receive buffer holds them all.</summary>
    /// <param name="table">The descriptors, indexed by rank; they already passed <see cref="Check"/>.</param>
    /// <param name="rank">This rank.</param>
    /// <param name="counts">Receives the count of each rank.</param>
    /// <returns>The total count.</returns>
    /// <exception cref="ArgumentException">This rank's receive buffer is too small.</exception>
    /// <exception cref="RankFailedException">Another rank's receive buffer is too small.</exception>
    public static int GatherCounts(ReadOnlySpan<CollectiveDescriptor> table, int rank, Span<int> counts)
    {
        long total = 0;
        for (int r = 0; r < table.Length; r++)
        {
            counts[r] = table[r].Count;
            total += table[r].Count;
        }

        for (int r = 0; r < table.Length; r++)
        {
            if (table[r].Capacity < total)
            {
                string what = $"{table[r].Describe()}: the receive buffer holds {table[r].Capacity} elements, but the ranks send " +
                              $"{total} in all (counts [{string.Join(", ", counts.ToArray())}])";
                if (r == rank)
                {
                    throw new ArgumentException($"{what}. Pass a receive buffer of at least {total} elements.", "receive");
                }

                throw new RankFailedException(
                    $"Rank {r} of {table.Length} cannot run {what}, so no rank runs it; rank {r} threw an ArgumentException.", rank, r);
            }
        }

        return (int)total;
    }

    private static bool Agrees(in CollectiveDescriptor a, in CollectiveDescriptor b) =>
        a.Kind == b.Kind && a.Sequence == b.Sequence && a.Type == b.Type && a.Argument == b.Argument &&
        (a.Kind == CollectiveKind.AllGatherV || a.Count == b.Count);
}
