namespace Nabla.Distributed;

/// <summary>How <see cref="Communicator.AllReduce(Span{float}, ReduceOp)"/> combines the ranks' values, element by element.</summary>
public enum ReduceOp
{
    /// <summary>The sum over the ranks (<c>MPI_SUM</c>).</summary>
    Sum = 0,

    /// <summary>The largest value over the ranks (<c>MPI_MAX</c>).</summary>
    Max = 1,

    /// <summary>The smallest value over the ranks (<c>MPI_MIN</c>).</summary>
    Min = 2,
}
