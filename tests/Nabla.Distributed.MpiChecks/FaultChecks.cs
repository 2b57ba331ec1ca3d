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

    /// <summary>The last rank stops answering (sleeps far beyond the timeout); the others time out and name it.</summary>
    public static void Hang(string[] args) => WithFailingRank(args, world => Thread.Sleep(60_000));

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

    private static void WithFailingRank(string[] args, Action<Communicator> fail)
    {
        Communicator world = Mpi.Initialize(Scenarios.Timeout(args));
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
        catch (Exception e) when (e is RankFailedException or CollectiveTimeoutException)
        {
            Log.Line(world, $"CAUGHT after {clock.Elapsed.TotalSeconds:F2} s {e.GetType().Name}: {e.Message}");
        }

        Log.Line(world, $"faulted {world.IsFaulted}");
        world.Dispose();   // faulted: prints why and aborts the job
        Log.Line(world, "NOT ABORTED: Dispose returned");
    }
}
