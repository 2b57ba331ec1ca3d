using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

/// <summary>
/// The engine under MPICH, whose handles are integer constants where Open MPI's are addresses: the same program
/// launched with MPICH's <c>mpiexec</c>. These tests need MPICH (apt-get install mpich) and fail, saying so, without it.
/// </summary>
[Collection(MpiJobCollection.Name)]
public class MpichJobTests
{
    [Fact]
    public void Without_a_launcher_the_program_runs_as_an_MPICH_singleton()
    {
        JobResult job = MpiJob.Alone(new Dictionary<string, string> { [Mpi.LibraryVariable] = "libmpich.so.12" }, "info");
        job.AssertSucceeded();
        AssertEx.Contains(job.Rank(0), "size 1 root True implementation MPICH Version: 4", "sum 1");
    }

    [Fact]
    public void Collectives_and_buckets_give_the_values_every_rank_can_compute()
    {
        JobResult job = MpiJob.Mpich(2, "collectives");
        job.AssertSucceeded();
        AssertEx.Contains(job.Rank(0), "size 2 implementation MPICH Version: 4", "ALL OK");
        AssertEx.Contains(job.Rank(1), "PASS allreduce sum float 4 MB", "PASS allreduce results bit-identical on every rank", "PASS allgatherv", "ALL OK");

        job = MpiJob.Mpich(2, "buckets");
        job.AssertSucceeded();
        AssertEx.Contains(job.Rank(0), "allocated 0 bytes in 20 warm steps", "ALL OK");
        AssertEx.Contains(job.Rank(1), "PASS bucketed allreduce over 11 gradients in 5 buckets", "ALL OK");
    }

    [Fact]
    public void Mismatches_throw_on_every_rank()
    {
        JobResult job = MpiJob.Mpich(2, "mismatch");
        job.AssertSucceeded();
        AssertEx.Contains(job.Line(1, "CAUGHT fingerprint"), "rank 1 has \"Sequential[Dense(512), Dense(10)] batch=32\"");
        AssertEx.Contains(job.Line(0, "CAUGHT root"), "Rank 1 of 2 passed invalid arguments to Broadcast #5");
    }

    [Fact]
    public void Failures_and_silent_ranks_are_named_by_the_others()
    {
        JobResult job = MpiJob.Mpich(2, "report-failure", "20");
        job.AssertFailed();
        AssertEx.Contains(job.Line(0, "CAUGHT"), "RankFailedException: Rank 1 of 2 failed: InvalidOperationException: label 10 is out of range");
        Assert.InRange(job.CaughtAfter(0), 0, 5);

        job = MpiJob.Mpich(2, "hang", "2");
        job.AssertFailed();
        AssertEx.Contains(job.Line(0, "CAUGHT"), "timed out on rank 0 of 2: after 2 s not every rank had arrived. Rank 1 did not respond");
        Assert.InRange(job.CaughtAfter(0), 2, 8);
        Assert.InRange(job.Wall.TotalSeconds, 0, 30);
    }

    [Fact]
    public void An_MPI_error_and_Abort_end_the_job_and_say_why()
    {
        JobResult job = MpiJob.Alone(new Dictionary<string, string> { [Mpi.LibraryVariable] = "libmpich.so.12" }, "mpi-error");
        job.AssertFailed();
        AssertEx.Contains(job.Line(0, "CAUGHT"), "MpiException (MPI_Bcast, code ", "MPI_Bcast failed on rank 0 of 1 with error ", "Invalid root");

        job = MpiJob.Mpich(2, "abort", "60");
        job.AssertFailed();
        AssertEx.Contains(job.Output, "Nabla.Distributed: rank 1 of 2 aborts the job: stopping on purpose");
    }

    [Fact]
    public void A_rank_that_exits_early_without_disposing_makes_the_job_fail_naming_it()
    {
        // Without the meeting at exit, Hydra ends this job with status 0 and no message.
        JobResult job = MpiJob.Mpich(2, "exit-early", "60");
        job.AssertFailed();
        AssertEx.Contains(job.Output, "Nabla.Distributed: rank 1 of 2 aborts the job", "but rank 1 called Dispose #2 (the last meeting before MPI_Finalize)");
        AssertEx.Contains(job.Line(0, "CAUGHT"), "RankMismatchException: The ranks' collective calls do not match: rank 0 called AllReduce #2");
        Assert.InRange(job.Wall.TotalSeconds, 0, 30);
    }

    [Fact]
    public void A_killed_rank_makes_mpiexec_end_the_job()
    {
        JobResult job = MpiJob.Mpich(2, "kill", "60");
        job.AssertFailed();
        Assert.InRange(job.Wall.TotalSeconds, 0, 30);   // far below rank 0's 60 s timeout: Hydra ended the job
        // Hydra names a process by its PID: usually the killed rank, sometimes the rank it killed in turn first.
        AssertEx.Contains(job.Output, "BAD TERMINATION OF ONE OF YOUR APPLICATION PROCESSES", "Killed (signal 9)");
        string named = System.Text.RegularExpressions.Regex.Match(job.Output, @"PID (\d+) RUNNING AT").Groups[1].Value;
        string[] pids = [.. new[] { 0, 1 }.Select(r => job.Line(r, "READY pid ")["READY pid ".Length..].Trim())];
        Assert.Contains(named, pids);
    }
}
