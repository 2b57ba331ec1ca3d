using System.Diagnostics;

namespace Nabla.Distributed.MpiChecks;

/// <summary>
/// One rank fails in a different way while the others wait in an all-reduce; the others must fail within the timeout
/// and name it. Each scenario ends the job: the tests check what the ranks and mpirun printed, and how long it took.
/// </summary>
internal static class FaultChecks
{
    /// <summary>The last rank catches an error, reports it and exits; the others' all-reduce throws RankFailedException naming it.</summary>
    public static void ReportedFailure(string[] args) => WithFailingRank(args, world =>
    {
        try
        {
            throw new InvalidOperationException("label 10 is out of range [0, 10) in batch 3");
        }
        catch (InvalidOperationException e)
        {
            world.ReportFailure(e);
            Log.Line(world, "REPORTED");
            Thread.Sleep(3000);   // give the others time to print before this exit makes mpirun end the job
            Environment.Exit(3);
        }
    });

    /// <summary>The last rank throws and nobody catches: the communicator reports it from the unhandled-exception event.</summary>
    public static void Unhandled(string[] args) => WithFailingRank(args, world =>
    {
        Thread.Sleep(300);
        throw new InvalidOperationException("nobody catches this");
    });

    /// <summary>
    /// The last rank stops answering (sleeps far beyond the timeout); the others time out and name it. Rank r waits
    /// (r + 1) times the timeout, so rank 0 gives up first and the others learn its verdict while they still wait.
    /// </summary>
    public static void Hang(string[] args) => WithFailingRank(args, world => Thread.Sleep(60_000), staggered: true);

    /// <summary>The last rank is killed (SIGKILL); mpirun ends the job and names it, long before the others' timeout.</summary>
    public static void Kill(string[] args) => WithFailingRank(args, world =>
    {
        Thread.Sleep(300);
        Process.GetCurrentProcess().Kill();
    });

    /// <summary>The last rank exits with status 3 without disposing; mpirun ends the job and names it.</summary>
    public static void Exit(string[] args) => WithFailingRank(args, world =>
    {
        Thread.Sleep(300);
        Environment.Exit(3);
    });

    /// <summary>The last rank leaves early with status 0 without disposing (a forgotten <c>using</c>, an early return).</summary>
    public static void ExitEarly(string[] args) => WithFailingRank(args, world =>
    {
        Thread.Sleep(300);
        Environment.Exit(0);
    });

    /// <summary>The last rank ends the job with <see cref="Communicator.Abort"/> and exit status 7.</summary>
    public static void Abort(string[] args) => WithFailingRank(args, world =>
    {
        Thread.Sleep(300);
        world.Abort("stopping on purpose", errorCode: 7);
    });

    /// <summary>
    /// An MPI call fails on every rank (a broadcast from a root that does not exist, which the public API refuses
    /// before MPI sees it): an MpiException naming the call, the rank and MPI's text.
    /// </summary>
    public static unsafe void MpiError(string[] args)
    {
        Communicator world = Mpi.Initialize(Scenarios.Timeout(args));
        float[] data = new float[4];
        try
        {
            fixed (float* p = data)
            {
                world.BroadcastRaw(p, data.Length, ElementType.Float, root: world.Size + 5);
            }

            Log.Line(world, "NOT CAUGHT: MPI accepted the root");
        }
        catch (MpiException e)
        {
            Log.Line(world, $"CAUGHT {e.GetType().Name} ({e.Function}, code {e.ErrorCode}, rank {e.Rank}): {e.Message}");
        }

        Log.Line(world, $"faulted {world.IsFaulted}");
        world.Dispose();
    }

    private static void WithFailingRank(string[] args, Action<Communicator> fail, bool staggered = false)
    {
        int rank = int.Parse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK") ?? Environment.GetEnvironmentVariable("PMI_RANK") ?? "0");
        Communicator world = Mpi.Initialize(staggered ? Scenarios.Timeout(args) * (rank + 1) : Scenarios.Timeout(args));
        float[] warm = [1f];
        world.AllReduce(warm);   // every rank is up before the failure
        Log.Line(world, $"READY pid {Environment.ProcessId}");
        if (world.Rank == world.Size - 1)
        {
            fail(world);
            Log.Line(world, "the failing rank is still running");
            world.Dispose();
            return;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            world.AllReduce(new float[1000]);
            Log.Line(world, "NOT CAUGHT: the all-reduce returned");
        }
        catch (Exception e) when (e is RankFailedException or CollectiveTimeoutException or RankMismatchException)
        {
            Log.Line(world, $"CAUGHT after {clock.Elapsed.TotalSeconds:F2} s {e.GetType().Name}: {e.Message}");
        }

        Log.Line(world, $"faulted {world.IsFaulted}");
        Thread.Sleep(500);   // lets the other ranks print what they caught before this rank's abort ends the job
        world.Dispose();     // faulted: prints why and aborts the job
        Log.Line(world, "NOT ABORTED: Dispose returned");
    }
}
