namespace Nabla.Distributed;

/// <summary>An MPI function returned an error: the message names the function, the rank and MPI's own description.</summary>
/// <remarks>
/// The communicator sets MPI's error handler to <c>MPI_ERRORS_RETURN</c>, so MPI reports failures as codes instead of
/// killing the process, and each code becomes this exception, for example
/// <c>MPI_Allreduce failed on rank 1 of 4 with error 15 (MPI_ERR_TRUNCATE: message truncated)</c>. A communicator
/// that threw it is faulted: later collectives refuse to run and disposing it aborts the MPI job.
/// </remarks>
public sealed class MpiException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="function">The MPI function, such as <c>MPI_Allreduce</c>.</param>
    /// <param name="errorCode">The code it returned.</param>
    /// <param name="errorText">MPI's description of the code (<c>MPI_Error_string</c>).</param>
    /// <param name="rank">The rank that called it.</param>
    /// <param name="size">The number of ranks.</param>
    public MpiException(string function, int errorCode, string errorText, int rank, int size)
        : base($"{function} failed on rank {rank} of {size} with error {errorCode} ({errorText}).")
    {
        Function = function;
        ErrorCode = errorCode;
        Rank = rank;
    }

    /// <summary>The MPI function that failed, such as <c>MPI_Allreduce</c>.</summary>
    public string Function { get; }

    /// <summary>The error code it returned.</summary>
    public int ErrorCode { get; }

    /// <summary>The rank on which it failed (this process).</summary>
    public int Rank { get; }
}
