using System.Globalization;
using Nabla.Distributed.Native;

namespace Nabla.Distributed;

/// <summary>
/// The entry point of distributed Nabla: <see cref="Initialize(TimeSpan?)"/> starts MPI and returns the world
/// <see cref="Communicator"/> (rank and size from the launcher), or a one-process communicator when there is no MPI.
/// </summary>
/// <remarks>
/// <para>
/// Launch the same program once per rank with the MPI launcher, on one machine or many:
/// <c>mpirun -np 4 dotnet MyTraining.dll</c>, <c>mpirun -np 16 --hostfile hosts dotnet MyTraining.dll</c>, or a
/// cluster scheduler's equivalent (<c>srun</c>). Without a launcher the program runs as a single process: rank 0 of 1,
/// through MPI's singleton mode when an MPI library is installed, or without MPI at all when none is.
/// </para>
/// <para>
/// Libraries: Open MPI (<c>libmpi.so.40</c>; Debian/Ubuntu <c>apt-get install openmpi-bin</c>) and the MPICH family
/// (<c>libmpich.so.12</c> or <c>libmpi.so.12</c>: MPICH, Intel MPI, MVAPICH; Debian/Ubuntu <c>apt-get install mpich</c>),
/// bound through their C API with no binding package. The family of the launcher that started the process is tried
/// first (Open MPI's <c>mpirun</c> sets <c>OMPI_COMM_WORLD_SIZE</c>, MPICH's Hydra <c>PMI_SIZE</c>), then the other;
/// <see cref="LibraryVariable"/> names a library explicitly.
/// </para>
/// <para>
/// Environment: <see cref="TimeoutVariable"/> (<c>NABLA_MPI_TIMEOUT</c>) sets the collectives' timeout in seconds
/// (<c>0</c> or <c>inf</c>: none); <see cref="LibraryVariable"/> (<c>NABLA_MPI_LIBRARY</c>) the library's name or path.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using Nabla.Distributed;
///
/// using var world = Mpi.Initialize();
/// Console.WriteLine($"rank {world.Rank} of {world.Size} on {world.Implementation}");
/// float[] values = [world.Rank + 1f];
/// world.AllReduce(values);                      // 1 + 2 + ... + Size on every rank
/// </code>
/// </example>
public static class Mpi
{
    /// <summary>The environment variable that sets the collectives' timeout in seconds (<c>0</c> or <c>inf</c>: wait forever).</summary>
    public const string TimeoutVariable = "NABLA_MPI_TIMEOUT";

    /// <summary>The environment variable that names the MPI library to load, as a file name or path.</summary>
    public const string LibraryVariable = "NABLA_MPI_LIBRARY";

    private static readonly object InitializationGate = new();
    private static Communicator? s_open;
    private static bool s_finalized;

    /// <summary>The collectives' timeout when neither <see cref="Initialize(TimeSpan?)"/> nor <see cref="TimeoutVariable"/> sets one: 60 seconds.</summary>
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(60);

    /// <summary>Starts MPI in this process (<c>MPI_Init_thread</c>) and returns the world communicator.</summary>
    /// <param name="timeout">
    /// How long a collective waits for every rank to arrive before it throws <see cref="CollectiveTimeoutException"/>
    /// naming the ranks that did not (default null: <see cref="TimeoutVariable"/> if set, else <see cref="DefaultTimeout"/>;
    /// <see cref="Timeout.InfiniteTimeSpan"/>: forever). It bounds how long ranks may work apart, so make it longer than
    /// the longest stretch one rank computes alone (a checkpoint write on rank 0, for example).
    /// </param>
    /// <returns>
    /// The world communicator: rank and size from the launcher, or rank 0 of 1 without one (also when no MPI library is
    /// installed, in which case no MPI is used at all). Dispose it at the end of the program.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is zero or negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    /// <exception cref="ArgumentException"><see cref="TimeoutVariable"/> is not a number of seconds.</exception>
    /// <exception cref="InvalidOperationException">
    /// A communicator is already open, or MPI was finalized earlier in this process (MPI starts once per process), or the
    /// launcher and the library belong to different MPI implementations.
    /// </exception>
    /// <exception cref="DllNotFoundException">
    /// A launcher started several ranks, or <see cref="LibraryVariable"/> names a library, but no MPI library loads; the
    /// message says which package to install.
    /// </exception>
    /// <exception cref="NotSupportedException">The MPI library is neither Open MPI nor of the MPICH family.</exception>
    /// <exception cref="MpiException">MPI failed to start.</exception>
    public static Communicator Initialize(TimeSpan? timeout = null) => InitializeWith(timeout, Environment.GetEnvironmentVariable, null);

    /// <summary><see cref="Initialize(TimeSpan?)"/> with the environment and the library search made explicit, for tests.</summary>
    /// <param name="timeout">As in <see cref="Initialize(TimeSpan?)"/>.</param>
    /// <param name="environment">Reads an environment variable (null when unset).</param>
    /// <param name="candidates">The library names to try instead of the usual ones, or null.</param>
    /// <returns>The communicator.</returns>
    internal static Communicator InitializeWith(TimeSpan? timeout, Func<string, string?> environment, IReadOnlyList<string>? candidates)
    {
        TimeSpan wait = ResolveTimeout(timeout, environment(TimeoutVariable));
        string? libraryPath = environment(LibraryVariable);
        lock (InitializationGate)
        {
            if (s_open is not null)
            {
                throw new InvalidOperationException(
                    $"Mpi.Initialize() was already called and its communicator (rank {s_open.Rank} of {s_open.Size}) is still open; " +
                    "use that one. MPI starts once per process.");
            }

            if (s_finalized)
            {
                throw new InvalidOperationException(
                    "MPI was already finalized in this process (a Communicator from Mpi.Initialize() was disposed), and MPI cannot " +
                    "start twice in one process. Keep one communicator open for the whole program.");
            }

            (MpiAbiKind? launcher, int launchedSize) = DetectLauncher(environment);
            MpiLibrary? library = MpiLibrary.TryLoad(candidates ?? MpiLibrary.Candidates(libraryPath, launcher), out string failures);
            if (library is null)
            {
                if (!string.IsNullOrWhiteSpace(libraryPath))
                {
                    throw new DllNotFoundException(
                        $"{LibraryVariable} is set to '{libraryPath}', but that library does not load:\n{failures}" +
                        $"Point {LibraryVariable} at an MPI library (for example /usr/lib/x86_64-linux-gnu/libmpi.so.40), or unset it.");
                }

                if (launcher is not null)
                {
                    throw new DllNotFoundException(
                        $"A launcher started this process as one of {(launchedSize > 0 ? launchedSize.ToString(CultureInfo.InvariantCulture) : "several")} " +
                        $"ranks, but no MPI library loads:\n{failures}Install Open MPI (Debian/Ubuntu: apt-get install openmpi-bin; " +
                        $"Fedora: dnf install openmpi) or set {LibraryVariable} to the path of libmpi.so.");
                }

                s_open = new LocalCommunicator(wait, "no MPI library is installed; apt-get install openmpi-bin to run several ranks");
                return s_open;
            }

            s_open = MpiCommunicator.Create(library, wait, launchedSize);
            return s_open;
        }
    }

    /// <summary>Parses a timeout: the argument if given, else the environment variable's seconds, else the default.</summary>
    /// <param name="timeout">The argument of <see cref="Initialize(TimeSpan?)"/>.</param>
    /// <param name="variable">The value of <see cref="TimeoutVariable"/>, or null.</param>
    /// <returns>The timeout, or <see cref="Timeout.InfiniteTimeSpan"/>.</returns>
    internal static TimeSpan ResolveTimeout(TimeSpan? timeout, string? variable)
    {
        if (timeout is TimeSpan given)
        {
            if (given <= TimeSpan.Zero && given != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(timeout), given,
                    $"Mpi.Initialize: timeout must be positive, or Timeout.InfiniteTimeSpan to wait forever, but received {given}.");
            }

            return given;
        }

        if (string.IsNullOrWhiteSpace(variable))
        {
            return DefaultTimeout;
        }

        string text = variable.Trim();
        if (text is "0" || text.Equals("inf", StringComparison.OrdinalIgnoreCase) || text.Equals("infinite", StringComparison.OrdinalIgnoreCase))
        {
            return Timeout.InfiniteTimeSpan;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || seconds > int.MaxValue / 1000.0)
        {
            throw new ArgumentException(
                $"{TimeoutVariable} must be a positive number of seconds (such as 60 or 2.5), or 0 or inf to wait forever, but is '{variable}'.");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Called by <see cref="Communicator.Dispose"/>: the communicator is closed, and MPI finalized unless it was the local one.</summary>
    internal static void Released(Communicator communicator)
    {
        lock (InitializationGate)
        {
            if (ReferenceEquals(s_open, communicator))
            {
                s_open = null;
                s_finalized |= communicator is MpiCommunicator;
            }
        }
    }

    /// <summary>Which MPI family's launcher started this process, from the variables it sets, and how many ranks it announced (0 if unknown).</summary>
    private static (MpiAbiKind? Launcher, int Size) DetectLauncher(Func<string, string?> environment)
    {
        if (environment("OMPI_COMM_WORLD_SIZE") is string ompi)
        {
            return (MpiAbiKind.OpenMpi, int.TryParse(ompi, out int n) ? n : 0);
        }

        if (environment("PMI_SIZE") is string pmi)
        {
            return (MpiAbiKind.Mpich, int.TryParse(pmi, out int n) ? n : 0);
        }

        return environment("PMIX_RANK") is not null ? (MpiAbiKind.OpenMpi, 0) : (null, 0);
    }
}
