namespace Nabla.Distributed;

/// <summary>Another rank failed, so this rank's collective cannot complete; the message names that rank and its error.</summary>
/// <remarks>
/// Thrown by a collective when a rank has reported a failure (through <see cref="Communicator.ReportFailure"/>, or an
/// unhandled exception while its communicator was open), or when a rank's own arguments to the collective failed their
/// checks (that rank throws the argument exception; the others throw this, naming it). For example
/// <c>Rank 1 of 2 failed: InvalidOperationException: label 10 is out of range. This rank (0) was in AllReduce #12 (Sum of 669706 float).</c>
/// </remarks>
public sealed class RankFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message, naming the failed rank.</param>
    /// <param name="rank">The rank that throws (this process).</param>
    /// <param name="failedRank">The rank that failed.</param>
    public RankFailedException(string message, int rank, int failedRank)
        : base(message)
    {
        Rank = rank;
        FailedRank = failedRank;
    }

    /// <summary>The rank that throws (this process).</summary>
    public int Rank { get; }

    /// <summary>The rank that failed.</summary>
    public int FailedRank { get; }
}
