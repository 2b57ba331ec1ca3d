using System.Runtime.InteropServices;

namespace Nabla.Distributed.Native;

/// <summary>
/// The handle values of one MPI binary interface: what <c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>, <c>MPI_SUM</c>,
/// <c>MPI_IN_PLACE</c> and the other constants of <c>mpi.h</c> are at run time.
/// </summary>
/// <remarks>
/// <para>
/// MPI fixes the C functions but not the binary form of its handles, and Linux has two families. In Open MPI a handle
/// is a pointer: <c>MPI_COMM_WORLD</c> is <c>&amp;ompi_mpi_comm_world</c>, the address of an exported global, so it is
/// resolved from the loaded library with <see cref="NativeLibrary.GetExport"/>; <c>MPI_IN_PLACE</c> is
/// <c>(void*)1</c>, <c>MPI_STATUS_IGNORE</c> is null and <c>MPI_ANY_SOURCE</c> is -1. In MPICH (and the MPICH-derived
/// Intel MPI, MVAPICH and Cray MPICH) a handle is a 32-bit integer constant: <c>MPI_COMM_WORLD</c> is
/// <c>0x44000000</c>, <c>MPI_IN_PLACE</c> is <c>(void*)-1</c>, <c>MPI_STATUS_IGNORE</c> is <c>(MPI_Status*)1</c> and
/// <c>MPI_ANY_SOURCE</c> is -2. Passing one family's value to the other's library is undefined behaviour (the wrong
/// <c>MPI_IN_PLACE</c> segfaults), hence this table.
/// </para>
/// <para>
/// Every handle is kept as an <see cref="nint"/> and passed in a pointer-sized argument. For MPICH's 32-bit handles
/// that is sound on the 64-bit Linux ABIs (System V x86-64, AArch64): an <c>int</c> argument occupies the low half of
/// its register or stack slot and the callee ignores the rest. Handles that MPI writes back (<c>MPI_Request</c>,
/// <c>MPI_Comm</c>) go to zeroed 8-byte slots, where MPICH's 4 bytes land in the low half (little-endian), so the slot
/// read as an <see cref="nint"/> is the handle.
/// </para>
/// </remarks>
internal sealed class MpiAbi
{
    // MPICH's mpi.h (4.0, identical since the MPICH ABI initiative of 2013).
    private const int MpichCommWorld = 0x44000000;
    private const int MpichFloat = 0x4c00040a;
    private const int MpichDouble = 0x4c00080b;
    private const int MpichInt = 0x4c000405;
    private const int MpichByte = 0x4c00010d;
    private const int MpichMax = 0x58000001;
    private const int MpichMin = 0x58000002;
    private const int MpichSum = 0x58000003;
    private const int MpichErrorsReturn = 0x54000001;

    private MpiAbi(MpiAbiKind kind)
    {
        Kind = kind;
    }

    /// <summary>Which family the library belongs to.</summary>
    public MpiAbiKind Kind { get; }

    /// <summary><c>MPI_COMM_WORLD</c>.</summary>
    public nint CommWorld { get; private init; }

    /// <summary><c>MPI_FLOAT</c>.</summary>
    public nint Float { get; private init; }

    /// <summary><c>MPI_DOUBLE</c>.</summary>
    public nint Double { get; private init; }

    /// <summary><c>MPI_INT</c>.</summary>
    public nint Int { get; private init; }

    /// <summary><c>MPI_BYTE</c>.</summary>
    public nint Byte { get; private init; }

    /// <summary><c>MPI_SUM</c>.</summary>
    public nint OpSum { get; private init; }

    /// <summary><c>MPI_MAX</c>.</summary>
    public nint OpMax { get; private init; }

    /// <summary><c>MPI_MIN</c>.</summary>
    public nint OpMin { get; private init; }

    /// <summary><c>MPI_ERRORS_RETURN</c>, the error handler that makes calls return their error code.</summary>
    public nint ErrorsReturn { get; private init; }

    /// <summary><c>MPI_IN_PLACE</c>, as an address.</summary>
    public nint InPlace { get; private init; }

    /// <summary><c>MPI_STATUS_IGNORE</c>, as an address.</summary>
    public nint StatusIgnore { get; private init; }

    /// <summary><c>MPI_ANY_SOURCE</c>.</summary>
    public int AnySource { get; private init; }

    /// <summary>The table for Open MPI, whose handles are the addresses of globals exported by <paramref name="library"/>.</summary>
    /// <param name="library">The handle of the loaded <c>libmpi.so.40</c>.</param>
    /// <returns>The table.</returns>
    /// <exception cref="EntryPointNotFoundException">The library lacks one of the globals (not Open MPI 3 or later).</exception>
    public static MpiAbi OpenMpi(nint library) => new(MpiAbiKind.OpenMpi)
    {
        CommWorld = NativeLibrary.GetExport(library, "ompi_mpi_comm_world"),
        Float = NativeLibrary.GetExport(library, "ompi_mpi_float"),
        Double = NativeLibrary.GetExport(library, "ompi_mpi_double"),
        Int = NativeLibrary.GetExport(library, "ompi_mpi_int"),
        Byte = NativeLibrary.GetExport(library, "ompi_mpi_byte"),
        OpSum = NativeLibrary.GetExport(library, "ompi_mpi_op_sum"),
        OpMax = NativeLibrary.GetExport(library, "ompi_mpi_op_max"),
        OpMin = NativeLibrary.GetExport(library, "ompi_mpi_op_min"),
        ErrorsReturn = NativeLibrary.GetExport(library, "ompi_mpi_errors_return"),
        InPlace = 1,
        StatusIgnore = 0,
        AnySource = -1,
    };

    /// <summary>The table for MPICH and the libraries that share its ABI: integer constants.</summary>
    /// <returns>The table.</returns>
    public static MpiAbi Mpich() => new(MpiAbiKind.Mpich)
    {
        CommWorld = MpichCommWorld,
        Float = MpichFloat,
        Double = MpichDouble,
        Int = MpichInt,
        Byte = MpichByte,
        OpSum = MpichSum,
        OpMax = MpichMax,
        OpMin = MpichMin,
        ErrorsReturn = MpichErrorsReturn,
        InPlace = -1,
        StatusIgnore = 1,
        AnySource = -2,
    };

    /// <summary>The datatype handle for <paramref name="type"/>.</summary>
    /// <param name="type">The element type.</param>
    /// <returns>The handle.</returns>
    public nint Datatype(ElementType type) => type switch
    {
        ElementType.Float => Float,
        ElementType.Double => Double,
        ElementType.Int => Int,
        _ => Byte,
    };

    /// <summary>The operation handle for <paramref name="op"/>.</summary>
    /// <param name="op">The reduction.</param>
    /// <returns>The handle.</returns>
    public nint Operation(ReduceOp op) => op switch
    {
        ReduceOp.Max => OpMax,
        ReduceOp.Min => OpMin,
        _ => OpSum,
    };
}
