namespace Nabla.Distributed;

/// <summary>Which collective a rank is in, as the ranks tell each other before they move data.</summary>
internal enum CollectiveKind
{
    /// <summary><see cref="Communicator.Barrier"/>.</summary>
    Barrier = 1,

    /// <summary><see cref="Communicator.AllReduce(Span{float}, ReduceOp)"/>.</summary>
    AllReduce = 2,

    /// <summary><see cref="Communicator.Broadcast(Span{float}, int)"/>.</summary>
    Broadcast = 3,

    /// <summary><see cref="Communicator.AllGather(ReadOnlySpan{float}, Span{float})"/>.</summary>
    AllGather = 4,

    /// <summary><see cref="Communicator.AllGatherV(ReadOnlySpan{float}, Span{float}, Span{int})"/>.</summary>
    AllGatherV = 5,

    /// <summary><see cref="GradientBuckets.AllReduceAverage"/> and <see cref="GradientBuckets.AllReduceSum"/>.</summary>
    GradientAllReduce = 6,

    /// <summary><see cref="Communicator.VerifySameOnAllRanks"/>.</summary>
    Verify = 7,

    /// <summary><see cref="Communicator.Dispose()"/>: the ranks meet once more before <c>MPI_Finalize</c>.</summary>
    Finalize = 8,
}
