namespace Nabla.Distributed;

/// <summary>
/// A collective did not start within <see cref="Communicator.Timeout"/> because some rank did not arrive; the message
/// names the ranks that did not respond and what the others were doing.
/// </summary>
/// <remarks>
/// <para>
/// The rank that times out asks every other rank where it is. Ranks waiting in a collective answer at once; a rank that
/// died, hangs, or has been computing outside MPI calls for longer than the timeout does not, and is named in
/// <see cref="UnresponsiveRanks"/>. The ranks that answered are told the verdict and throw this exception too, naming
/// the rank that gave up and the silent ones. For example
/// <c>AllReduce #40 (Sum of 669706 float) timed out on rank 0 of 2 after 60 s: rank 1 did not respond ...</c>
/// </para>
/// <para>
/// A communicator that threw it is faulted: later collectives refuse to run and disposing it aborts the MPI job (the
/// timed-out collective is still pending inside MPI, so <c>MPI_Finalize</c> could wait forever).
/// </para>
/// </remarks>
public sealed class CollectiveTimeoutException : TimeoutException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The full message.</param>
    /// <param name="rank">The rank that throws (this process).</param>
    /// <param name="operation">The collective that timed out, such as <c>AllReduce #40 (Sum of 669706 float)</c>.</param>
    /// <param name="unresponsiveRanks">The ranks that did not answer (empty when the verdict of the rank that gave up did not arrive).</param>
    public CollectiveTimeoutException(string message, int rank, string operation, IReadOnlyList<int> unresponsiveRanks)
        : base(message)
    {
        Rank = rank;
        Operation = operation;
        UnresponsiveRanks = unresponsiveRanks;
    }

    /// <summary>The rank that throws (this process).</summary>
    public int Rank { get; }

    /// <summary>The collective that timed out, such as <c>AllReduce #40 (Sum of 669706 float)</c>.</summary>
    public string Operation { get; }

    /// <summary>The ranks that did not answer: dead, hung, or busy outside MPI for longer than the timeout.</summary>
    public IReadOnlyList<int> UnresponsiveRanks { get; }
}
