using System.Runtime.InteropServices;
using System.Text;

namespace Nabla.Distributed.Native;

/// <summary>
/// The MPI C library, loaded at run time: its function pointers, resolved once with
/// <see cref="NativeLibrary.GetExport"/>, and the handle table of its binary interface (<see cref="MpiAbi"/>).
/// </summary>
/// <remarks>
/// The project owns this thin layer rather than depending on a binding package (MPI.NET's NuGet package is
/// Windows-only). Only the functions the collectives need are bound; each is an unmanaged function pointer, so a call
/// costs what a C call costs (no marshalling stubs: every argument is a pointer, an <see cref="nint"/> handle or an
/// <see cref="int"/>).
/// </remarks>
internal sealed unsafe class MpiLibrary
{
    /// <summary>The thread levels of <c>MPI_Init_thread</c> (equal in every implementation).</summary>
    public const int ThreadSingle = 0, ThreadFunneled = 1, ThreadSerialized = 2, ThreadMultiple = 3;

    private MpiLibrary(nint handle, string name)
    {
        Handle = handle;
        Name = name;
        Initialized = (delegate* unmanaged<int*, int>)Get("MPI_Initialized");
        Finalized = (delegate* unmanaged<int*, int>)Get("MPI_Finalized");
        InitThread = (delegate* unmanaged<int*, byte***, int, int*, int>)Get("MPI_Init_thread");
        Finalize = (delegate* unmanaged<int>)Get("MPI_Finalize");
        Abort = (delegate* unmanaged<nint, int, int>)Get("MPI_Abort");
        CommRank = (delegate* unmanaged<nint, int*, int>)Get("MPI_Comm_rank");
        CommSize = (delegate* unmanaged<nint, int*, int>)Get("MPI_Comm_size");
        CommDup = (delegate* unmanaged<nint, nint*, int>)Get("MPI_Comm_dup");
        CommFree = (delegate* unmanaged<nint*, int>)Get("MPI_Comm_free");
        CommSetErrhandler = (delegate* unmanaged<nint, nint, int>)Get("MPI_Comm_set_errhandler");
        ErrorString = (delegate* unmanaged<int, byte*, int*, int>)Get("MPI_Error_string");
        GetLibraryVersion = (delegate* unmanaged<byte*, int*, int>)Get("MPI_Get_library_version");
        Allreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, int>)Get("MPI_Allreduce");
        Bcast = (delegate* unmanaged<void*, int, nint, int, nint, int>)Get("MPI_Bcast");
        Allgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int>)Get("MPI_Allgather");
        Allgatherv = (delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, nint, int>)Get("MPI_Allgatherv");
        Iallgather = (delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int>)Get("MPI_Iallgather");
        Iallreduce = (delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int>)Get("MPI_Iallreduce");
        Test = (delegate* unmanaged<nint*, int*, void*, int>)Get("MPI_Test");
        Isend = (delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)Get("MPI_Isend");
        Irecv = (delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int>)Get("MPI_Irecv");
        Cancel = (delegate* unmanaged<nint*, int>)Get("MPI_Cancel");
        Wait = (delegate* unmanaged<nint*, void*, int>)Get("MPI_Wait");
        Abi = DetectAbi(handle, Version);
    }

    /// <summary>The library's handle from <see cref="NativeLibrary.Load(string)"/>.</summary>
    public nint Handle { get; }

    /// <summary>The name or path it was loaded by.</summary>
    public string Name { get; }

    /// <summary>The handle table of the library's binary interface.</summary>
    public MpiAbi Abi { get; }

    /// <summary>The name and version from <c>MPI_Get_library_version</c> (its first line, up to a comma), such as <c>Open MPI v4.1.4</c> or <c>MPICH Version: 4.0.2</c>.</summary>
    public string Version
    {
        get
        {
            // MPI_MAX_LIBRARY_VERSION_STRING is 256 in Open MPI and 8192 in MPICH; MPI-3 allows the call before MPI_Init.
            const int Capacity = 8192;
            byte* text = stackalloc byte[Capacity];
            int length = 0;
            if (GetLibraryVersion(text, &length) != 0)
            {
                return "unknown MPI library";
            }

            // "Open MPI v4.1.4, package: ..." or "MPICH Version:\t4.0.2\n...": the first line, up to a comma, spaces collapsed.
            string first = Encoding.UTF8.GetString(text, Math.Clamp(length, 0, Capacity)).Split('\n')[0].Split(',')[0];
            return string.Join(' ', first.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }
    }

    // The C functions of the same names, as mpi.h declares them (handles as nint, MPI_Request* and MPI_Comm* as nint*).
    public delegate* unmanaged<int*, int> Initialized { get; }

    public delegate* unmanaged<int*, int> Finalized { get; }

    public delegate* unmanaged<int*, byte***, int, int*, int> InitThread { get; }

    public delegate* unmanaged<int> Finalize { get; }

    public delegate* unmanaged<nint, int, int> Abort { get; }

    public delegate* unmanaged<nint, int*, int> CommRank { get; }

    public delegate* unmanaged<nint, int*, int> CommSize { get; }

    public delegate* unmanaged<nint, nint*, int> CommDup { get; }

    public delegate* unmanaged<nint*, int> CommFree { get; }

    public delegate* unmanaged<nint, nint, int> CommSetErrhandler { get; }

    public delegate* unmanaged<int, byte*, int*, int> ErrorString { get; }

    public delegate* unmanaged<byte*, int*, int> GetLibraryVersion { get; }

    public delegate* unmanaged<void*, void*, int, nint, nint, nint, int> Allreduce { get; }

    public delegate* unmanaged<void*, int, nint, int, nint, int> Bcast { get; }

    public delegate* unmanaged<void*, int, nint, void*, int, nint, nint, int> Allgather { get; }

    public delegate* unmanaged<void*, int, nint, void*, int*, int*, nint, nint, int> Allgatherv { get; }

    public delegate* unmanaged<void*, int, nint, void*, int, nint, nint, nint*, int> Iallgather { get; }

    public delegate* unmanaged<void*, void*, int, nint, nint, nint, nint*, int> Iallreduce { get; }

    public delegate* unmanaged<nint*, int*, void*, int> Test { get; }

    public delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int> Isend { get; }

    public delegate* unmanaged<void*, int, nint, int, int, nint, nint*, int> Irecv { get; }

    public delegate* unmanaged<nint*, int> Cancel { get; }

    public delegate* unmanaged<nint*, void*, int> Wait { get; }

    /// <summary>
    /// The library names to try, in order: <paramref name="explicitPath"/> alone when set, otherwise the family of the
    /// launcher that started this process first (Open MPI's <c>mpirun</c> sets <c>OMPI_COMM_WORLD_SIZE</c>, MPICH's
    /// Hydra sets <c>PMI_RANK</c>), then the other family.
    /// </summary>
    /// <param name="explicitPath">The value of <c>NABLA_MPI_LIBRARY</c>, or null.</param>
    /// <param name="launcher">Which launcher family started this process, if any.</param>
    /// <returns>The names for <see cref="NativeLibrary.Load(string)"/>.</returns>
    public static IReadOnlyList<string> Candidates(string? explicitPath, MpiAbiKind? launcher)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return [explicitPath];
        }

        // Open MPI's soname has been libmpi.so.40 since 3.0; MPICH installs libmpi.so.12 upstream and libmpich.so.12 on
        // Debian and Ubuntu. The unversioned libmpi.so (from the -dev packages) comes last: it is whichever family the
        // system's alternatives point at.
        string[] openMpi = ["libmpi.so.40"];
        string[] mpich = ["libmpich.so.12", "libmpi.so.12"];
        string[] ordered = launcher == MpiAbiKind.Mpich ? [.. mpich, .. openMpi] : [.. openMpi, .. mpich];
        return [.. ordered, "libmpi.so"];
    }

    /// <summary>Loads the first of <paramref name="candidates"/> that loads.</summary>
    /// <param name="candidates">Library names or paths, in order of preference.</param>
    /// <param name="failures">Why each candidate failed to load, one line each (empty when the first loaded).</param>
    /// <returns>The library, or null when none loaded.</returns>
    /// <exception cref="NotSupportedException">A library loaded but is neither Open MPI nor of MPICH's family.</exception>
    public static MpiLibrary? TryLoad(IReadOnlyList<string> candidates, out string failures)
    {
        var reasons = new StringBuilder();
        foreach (string name in candidates)
        {
            nint handle;
            try
            {
                handle = NativeLibrary.Load(name);
            }
            catch (DllNotFoundException e)
            {
                reasons.Append("  ").Append(name).Append(": ").AppendLine(e.Message.Split('\n')[0].Trim());
                continue;
            }

            try
            {
                failures = reasons.ToString();
                return new MpiLibrary(handle, name);
            }
            catch (EntryPointNotFoundException e)
            {
                reasons.Append("  ").Append(name).Append(": loaded, but it is not an MPI-3 library (").Append(e.Message).AppendLine(")");
                NativeLibrary.Free(handle);
            }
        }

        failures = reasons.ToString();
        return null;
    }

    /// <summary>The text of an MPI error code, from <c>MPI_Error_string</c>.</summary>
    /// <param name="code">The code an MPI function returned.</param>
    /// <returns>The implementation's description, or a generic one when the code is unknown to it.</returns>
    public string DescribeError(int code)
    {
        // MPI_MAX_ERROR_STRING is 256 in Open MPI and 512 in MPICH.
        const int Capacity = 1024;
        byte* text = stackalloc byte[Capacity];
        int length = 0;
        return ErrorString(code, text, &length) == 0
            ? Encoding.UTF8.GetString(text, Math.Clamp(length, 0, Capacity)).Trim()
            : $"unknown MPI error code {code}";
    }

    private static MpiAbi DetectAbi(nint handle, string version)
    {
        if (NativeLibrary.TryGetExport(handle, "ompi_mpi_comm_world", out _))
        {
            return MpiAbi.OpenMpi(handle);
        }

        // Intel MPI, MVAPICH and Cray MPICH descend from MPICH and keep its ABI; their version strings say so.
        if (version.Contains("MPICH", StringComparison.OrdinalIgnoreCase) || version.Contains("Intel", StringComparison.OrdinalIgnoreCase))
        {
            return MpiAbi.Mpich();
        }

        throw new NotSupportedException(
            $"Nabla.Distributed supports Open MPI and MPICH-family libraries (MPICH, Intel MPI, MVAPICH, Cray MPICH), but the MPI " +
            $"library it loaded reports '{version}', whose handle layout it does not know: passing it the wrong handles would " +
            $"crash the process. Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin) or point {Mpi.LibraryVariable} at one.");
    }

    private nint Get(string name) => NativeLibrary.GetExport(Handle, name);
}
