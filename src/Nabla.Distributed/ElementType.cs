namespace Nabla.Distributed;

/// <summary>The element types the collectives move: the public API's float and double, and int and byte for bookkeeping.</summary>
internal enum ElementType
{
    /// <summary>32-bit float (<c>MPI_FLOAT</c>).</summary>
    Float = 1,

    /// <summary>64-bit float (<c>MPI_DOUBLE</c>).</summary>
    Double = 2,

    /// <summary>32-bit integer (<c>MPI_INT</c>).</summary>
    Int = 3,

    /// <summary>Raw bytes (<c>MPI_BYTE</c>).</summary>
    Byte = 4,
}
