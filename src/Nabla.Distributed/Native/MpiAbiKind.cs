namespace Nabla.Distributed.Native;

/// <summary>The two binary interfaces of MPI libraries on Linux (see <see cref="MpiAbi"/>).</summary>
internal enum MpiAbiKind
{
    /// <summary>Open MPI: handles are addresses of exported globals.</summary>
    OpenMpi,

    /// <summary>MPICH, Intel MPI, MVAPICH, Cray MPICH: handles are 32-bit integer constants.</summary>
    Mpich,
}
