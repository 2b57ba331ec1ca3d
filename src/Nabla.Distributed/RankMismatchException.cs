namespace Nabla.Distributed;

/// <summary>The ranks disagree: they called different collectives, or with different counts, types or roots, or hold different configurations.</summary>
/// <remarks>
/// Every rank throws it from the same call, with the same verdict, before any data moves, so the communicator stays
/// usable. Typical causes: one rank skipped a collective (an early <c>return</c> or <c>break</c> on one rank), ranks
/// built models of different sizes, or ranks were given different settings (see
/// <see cref="Communicator.VerifySameOnAllRanks"/>). The message names the ranks that differ from rank 0 and what each
/// one called.
/// </remarks>
public sealed class RankMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message, naming the ranks that differ.</param>
    /// <param name="rank">The rank that throws (this process).</param>
    /// <param name="mismatchedRanks">The ranks that differ from rank 0.</param>
    public RankMismatchException(string message, int rank, IReadOnlyList<int> mismatchedRanks)
        : base(message)
    {
        Rank = rank;
        MismatchedRanks = mismatchedRanks;
    }

    /// <summary>The rank that throws (this process).</summary>
    public int Rank { get; }

    /// <summary>The ranks that differ from rank 0.</summary>
    public IReadOnlyList<int> MismatchedRanks { get; }
}
