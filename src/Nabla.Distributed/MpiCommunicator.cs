using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Nabla.Distributed.Native;

namespace Nabla.Distributed;

/// <summary>The world communicator of an MPI job, over the library loaded by <see cref="MpiLibrary"/>.</summary>
/// <remarks>
/// <para>
/// Each collective first checks that the ranks agree on a <see cref="CollectiveDescriptor"/> (a small
/// <c>MPI_Iallreduce</c> of its summary, and an <c>MPI_Iallgather</c> of the descriptors when they disagree) and waits
/// with <c>MPI_Test</c> against a deadline, testing the <see cref="FaultChannel"/> as it goes; only then does the data move,
/// with the blocking collective (<c>MPI_Allreduce</c>, ...). Measured on 2 ranks here, the exchange costs a few
/// microseconds, and the blocking all-reduce of 2.7 MB runs in 0.35 ms where <c>MPI_Iallreduce</c> polled to completion
/// took 0.92 ms (Open MPI's non-blocking collectives progress only inside <c>MPI_Test</c> and use other algorithms), so
/// the deadline guards the arrival of every rank and the transfer itself runs at full speed. A rank that dies during a
/// transfer is the launcher's to handle: <c>mpirun</c> kills the job when a process exits abnormally.
/// </para>
/// <para>
/// While a rank waits it spins on <c>MPI_Test</c> for 50 µs, then yields its core between tests until 5 ms, then sleeps
/// 1 ms between tests, so a rank that arrives early does not take CPU from the ranks still computing on the same machine.
/// </para>
/// </remarks>
internal sealed unsafe partial class MpiCommunicator : Communicator
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 20_000;    // 50 µs
    private static readonly long YieldTicks = Stopwatch.Frequency / 200;      // 5 ms

    private readonly MpiLibrary _mpi;
    private readonly nint _world;
    private readonly CollectiveDescriptor* _mine;
    private readonly CollectiveDescriptor* _table;
    private readonly int* _summary;
    private readonly long _timeoutTicks;
    private readonly int _initThread;
    private readonly bool _anyThread;
    private readonly FaultChannel _faults;
    private readonly UnhandledExceptionEventHandler _onUnhandled;
    private readonly EventHandler _onExit;
    private readonly PosixSignalRegistration[] _onSignals;
    private volatile bool _terminating;

    private MpiCommunicator(MpiLibrary mpi, int rank, int size, TimeSpan timeout, int threadLevel)
        : base(rank, size, timeout)
    {
        _mpi = mpi;
        _world = mpi.Abi.CommWorld;
        Implementation = mpi.Version;
        _timeoutTicks = timeout == System.Threading.Timeout.InfiniteTimeSpan ? -1 : (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        _initThread = Environment.CurrentManagedThreadId;
        _anyThread = threadLevel >= MpiLibrary.ThreadSerialized;

        // The descriptors and summaries live in native memory: after a timeout the exchange is still pending inside MPI,
        // which may write them later; the memory is then never freed (the job is ending), so nothing else is overwritten.
        _mine = (CollectiveDescriptor*)NativeMemory.AllocZeroed((nuint)sizeof(CollectiveDescriptor));
        _table = (CollectiveDescriptor*)NativeMemory.AllocZeroed((nuint)(sizeof(CollectiveDescriptor) * size));
        _summary = (int*)NativeMemory.AllocZeroed((nuint)(sizeof(int) * 2 * CollectiveDescriptor.SummaryInts));
        _faults = new FaultChannel(mpi, this, _world);

        // An unhandled exception on this rank tells the others before the runtime ends the process.
        _onUnhandled = (_, e) =>
        {
            if (e.ExceptionObject is Exception ex)
            {
                TryReportUnhandled(ex, TimeSpan.FromSeconds(1));
            }
        };
        AppDomain.CurrentDomain.UnhandledException += _onUnhandled;

        // A process that ends without disposing (a forgotten using, an early return or Environment.Exit on one rank)
        // still meets the others: if they are at the same point MPI finalizes cleanly, otherwise every rank learns of
        // the mismatch and this one aborts the job, where launchers could otherwise end the job quietly (MPICH's Hydra
        // reports success when one rank exits with status 0 without finalizing). Not when a signal (the launcher
        // killing the job) ends the process: then there is nobody to meet.
        _onExit = (_, _) => DisposeAtExit();
        AppDomain.CurrentDomain.ProcessExit += _onExit;
        _onSignals = [.. new[] { PosixSignal.SIGTERM, PosixSignal.SIGINT, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => _terminating = true))];
    }

    public override string Implementation { get; }

    internal override bool CollectivesFromAnyThread => _anyThread;

    /// <summary>Initializes MPI through <paramref name="mpi"/> and returns the world communicator.</summary>
    /// <param name="mpi">The loaded library.</param>
    /// <param name="timeout">The collectives' timeout.</param>
    /// <param name="launchedSize">The number of ranks the launcher announced (0 when none did).</param>
    /// <returns>The communicator.</returns>
    /// <exception cref="MpiException"><c>MPI_Init_thread</c> or a set-up call failed.</exception>
    /// <exception cref="InvalidOperationException">MPI was already initialized by other code, or it started as a single process although a launcher announced several.</exception>
    public static MpiCommunicator Create(MpiLibrary mpi, TimeSpan timeout, int launchedSize)
    {
        int flag = 0;
        CheckInit(mpi, mpi.Initialized(&flag), "MPI_Initialized");
        if (flag != 0)
        {
            throw new InvalidOperationException(
                "MPI is already initialized in this process by other code; Nabla.Distributed initializes and finalizes MPI itself. " +
                "Use the Communicator from Mpi.Initialize() everywhere instead.");
        }

        int provided = 0;
        CheckInit(mpi, mpi.InitThread(null, null, MpiLibrary.ThreadSerialized, &provided), "MPI_Init_thread");
        CheckInit(mpi, mpi.CommSetErrhandler(mpi.Abi.CommWorld, mpi.Abi.ErrorsReturn), "MPI_Comm_set_errhandler");
        int rank = 0, size = 0;
        CheckInit(mpi, mpi.CommRank(mpi.Abi.CommWorld, &rank), "MPI_Comm_rank");
        CheckInit(mpi, mpi.CommSize(mpi.Abi.CommWorld, &size), "MPI_Comm_size");
        if (launchedSize > 1 && size == 1)
        {
            mpi.Finalize();
            throw new InvalidOperationException(
                $"A launcher started this process as one of {launchedSize} ranks, but the MPI library loaded ({mpi.Version}, from " +
                $"{mpi.Name}) started as a single process: the launcher belongs to another MPI implementation. Launch with the " +
                $"implementation's own launcher (Open MPI: mpirun.openmpi; MPICH: mpiexec.mpich) or set {Mpi.LibraryVariable} to " +
                "the library that matches the launcher.");
        }

        return new MpiCommunicator(mpi, rank, size, timeout, provided);
    }

    /// <summary>Throws <see cref="MpiException"/> for a non-zero <paramref name="code"/> from <paramref name="function"/>, faulting the communicator.</summary>
    internal void Check(int code, string function)
    {
        if (code != 0)
        {
            var error = new MpiException(function, code, _mpi.DescribeError(code), Rank, Size);
            Fault(error);
            throw error;
        }
    }

    internal override ReadOnlySpan<CollectiveDescriptor> Exchange(CollectiveDescriptor mine, bool needTable)
    {
        if (!_anyThread && Environment.CurrentManagedThreadId != _initThread)
        {
            throw new InvalidOperationException(
                $"The MPI library provides only MPI_THREAD_FUNNELED, so only the thread that called Mpi.Initialize() may run collectives, " +
                $"but {mine.Describe()} was called from thread {Environment.CurrentManagedThreadId} (Mpi.Initialize ran on {_initThread}).");
        }

        ThrowIfNotified(mine);
        long start = Stopwatch.GetTimestamp();
        nint request = 0;
        if (!needTable)
        {
            // The shortcut: one small reduction says whether every rank agrees (every rank sees the same answer).
            mine.Summary(new Span<int>(_summary, CollectiveDescriptor.SummaryInts));
            Check(_mpi.Iallreduce(_summary, _summary + CollectiveDescriptor.SummaryInts, CollectiveDescriptor.SummaryInts, _mpi.Abi.Int,
                _mpi.Abi.OpMax, _world, &request), "MPI_Iallreduce");
            Wait(&request, mine, start);
            if (CollectiveDescriptor.Agree(new ReadOnlySpan<int>(_summary + CollectiveDescriptor.SummaryInts, CollectiveDescriptor.SummaryInts)))
            {
                return [];
            }
        }

        *_mine = mine;
        request = 0;
        Check(_mpi.Iallgather(_mine, CollectiveDescriptor.Ints, _mpi.Abi.Int, _table, CollectiveDescriptor.Ints, _mpi.Abi.Int, _world, &request), "MPI_Iallgather");
        Wait(&request, mine, start);
        return new ReadOnlySpan<CollectiveDescriptor>(_table, Size);
    }

    internal override void AllReduceRaw(void* data, int count, ElementType type, ReduceOp op) =>
        Check(_mpi.Allreduce((void*)_mpi.Abi.InPlace, data, count, _mpi.Abi.Datatype(type), _mpi.Abi.Operation(op), _world), "MPI_Allreduce");

    internal override void BroadcastRaw(void* data, int count, ElementType type, int root) =>
        Check(_mpi.Bcast(data, count, _mpi.Abi.Datatype(type), root, _world), "MPI_Bcast");

    internal override void AllGatherRaw(void* send, int count, ElementType type, void* receive)
    {
        nint datatype = _mpi.Abi.Datatype(type);
        Check(_mpi.Allgather(send, count, datatype, receive, count, datatype, _world), "MPI_Allgather");
    }

    internal override void AllGatherVRaw(void* send, int count, ElementType type, void* receive, int* counts, int* displacements)
    {
        nint datatype = _mpi.Abi.Datatype(type);
        Check(_mpi.Allgatherv(send, count, datatype, receive, counts, displacements, datatype, _world), "MPI_Allgatherv");
    }

    internal override void ReportFailureCore(string text)
    {
        _faults.Send(NoticeKind.Failed, text);
        _faults.FlushSends(TimeSpan.FromSeconds(1));
    }

    internal override void AbortCore(string message, int errorCode)
    {
        try
        {
            _faults.Send(NoticeKind.Failed, $"it aborted the job: {message}");
            _faults.FlushSends(TimeSpan.FromMilliseconds(500));
        }
        catch (MpiException)
        {
            // Aborting regardless: the notice is a courtesy to the ranks that would otherwise learn it from the launcher.
        }

        // MPI_Abort makes the launcher tear the job down, and what this rank printed last (why it aborts) can be lost
        // in the launcher's forwarding if the process goes at once: give the output a moment to travel.
        Thread.Sleep(100);
        _mpi.Abort(_world, errorCode);
    }

    internal override void DisposeCore(Exception? fault)
    {
        AppDomain.CurrentDomain.UnhandledException -= _onUnhandled;
        AppDomain.CurrentDomain.ProcessExit -= _onExit;
        foreach (PosixSignalRegistration registration in _onSignals)
        {
            registration.Dispose();
        }

        if (fault is not null)
        {
            // Inside Environment.Exit(n), n is already the exit code: keep it for the job.
            Abort($"the communicator cannot finalize after this error: {fault.Message}", Environment.ExitCode != 0 ? Environment.ExitCode : 1);
        }

        try
        {
            _faults.Close();
            NativeMemory.Free(_mine);
            NativeMemory.Free(_table);
            NativeMemory.Free(_summary);
        }
        catch (MpiException e)
        {
            Abort($"the communicator cannot finalize after this error: {e.Message}");
        }

        int code = _mpi.Finalize();
        if (code != 0)
        {
            Console.Error.WriteLine($"Nabla.Distributed: MPI_Finalize failed on rank {Rank} of {Size} with error {code} ({_mpi.DescribeError(code)}).");
        }
    }

    /// <summary>Waits for <paramref name="request"/> until <see cref="Communicator.Timeout"/> after <paramref name="start"/>, testing for notices as it goes.</summary>
    private void Wait(nint* request, in CollectiveDescriptor mine, long start)
    {
        for (int round = 0; ; round++)
        {
            int done = 0;
            Check(_mpi.Test(request, &done, (void*)_mpi.Abi.StatusIgnore), "MPI_Test");
            if (done != 0)
            {
                return;
            }

            long waited = Stopwatch.GetTimestamp() - start;
            if ((round & 15) == 15)
            {
                ThrowIfNotified(mine);
            }

            if (_timeoutTicks >= 0 && waited > _timeoutTicks)
            {
                GiveUp(mine);
            }

            if (waited > YieldTicks)
            {
                Thread.Sleep(1);
            }
            else if (waited > SpinTicks)
            {
                Thread.Yield();
            }
        }
    }

    /// <summary>The process is ending with the communicator open: dispose it, unless a signal ends the process or another thread holds it.</summary>
    private void DisposeAtExit()
    {
        if (_terminating || !Monitor.TryEnter(Gate, TimeSpan.FromSeconds(2)))
        {
            return;
        }

        try
        {
            Dispose();
        }
        finally
        {
            Monitor.Exit(Gate);
        }
    }

    private static void CheckInit(MpiLibrary mpi, int code, string function)
    {
        if (code != 0)
        {
            throw new MpiException(function, code, mpi.DescribeError(code), 0, 1);
        }
    }

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
