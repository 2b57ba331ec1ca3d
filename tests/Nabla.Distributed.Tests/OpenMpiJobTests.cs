using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

/// <summary>
/// The engine under Open MPI: tests/Nabla.Distributed.MpiChecks launched with <c>mpirun -np N</c>. These tests need
/// Open MPI (apt-get install openmpi-bin) and fail, saying so, without it.
/// </summary>
[Collection(MpiJobCollection.Name)]
public class OpenMpiJobTests
{
    [Fact]
    public void Without_a_launcher_the_program_runs_as_an_MPI_singleton()
    {
        JobResult job = MpiJob.Alone(null, "info");
        job.AssertSucceeded();
        AssertEx.Contains(job.Rank(0), "size 1 root True implementation Open MPI v", "sum 1");
    }

    [Fact]
    public void Ranks_that_all_forget_to_dispose_finalize_together_at_exit()
    {
        JobResult job = MpiJob.OpenMpi(2, "forget-dispose");
        job.AssertSucceeded();
        AssertEx.Contains(job.Rank(1), "sum 2, leaving without Dispose");
        Assert.DoesNotContain("aborts the job", job.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_MPI_error_becomes_an_exception_naming_the_call_the_rank_and_MPIs_text()
    {
        JobResult job = MpiJob.Alone(null, "mpi-error");
        job.AssertFailed();   // a faulted communicator aborts the job when disposed
        AssertEx.Contains(job.Line(0, "CAUGHT"),
            "MpiException (MPI_Bcast, code 8, rank 0): MPI_Bcast failed on rank 0 of 1 with error 8 (MPI_ERR_ROOT: invalid root).");
        AssertEx.Contains(job.Rank(0), "faulted True");
        AssertEx.Contains(job.Output, "Nabla.Distributed: rank 0 of 1 aborts the job: the communicator cannot finalize after this error: MPI_Bcast failed");
    }

    [Fact]
    public void Abort_ends_the_job_and_says_why()
    {
        JobResult job = MpiJob.OpenMpi(2, "abort", "60");
        job.AssertFailed();   // with status 7, or 1 when mpirun sees rank 0's own abort first (it learned of rank 1's and gave up too)
        AssertEx.Contains(job.Output, "Nabla.Distributed: rank 1 of 2 aborts the job: stopping on purpose");
        Assert.InRange(job.Wall.TotalSeconds, 0, 30);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Collectives_give_the_values_every_rank_can_compute(int ranks)
    {
        JobResult job = MpiJob.OpenMpi(ranks, "collectives");
        job.AssertSucceeded();
        for (int r = 0; r < ranks; r++)
        {
            AssertEx.Contains(job.Rank(r), $"size {ranks} implementation Open MPI v", "PASS allreduce sum float 4 MB",
                "PASS allreduce results bit-identical on every rank", "PASS allreduce max double, min float", "PASS broadcast",
                "PASS allgather", "PASS allgatherv", "PASS barrier and matching fingerprints", "ALL OK");
        }
    }

    [Fact]
    public void Bucketed_allreduce_averages_uneven_gradient_lists_without_allocating()
    {
        JobResult job = MpiJob.OpenMpi(2, "buckets");
        job.AssertSucceeded();
        for (int r = 0; r < 2; r++)
        {
            AssertEx.Contains(job.Rank(r), "PASS bucketed allreduce over 11 gradients in 5 buckets", "allocated 0 bytes in 20 warm steps", "ALL OK");
        }

        AssertEx.Contains(job.Line(0, "CAUGHT"), "RankFailedException: Rank 1 of 2 passed invalid arguments to GradientBuckets all-reduce");
        AssertEx.Contains(job.Line(1, "CAUGHT"), "ArgumentException: GradientBuckets: expected 11 gradients (the planned lengths), but received 10.");
    }

    [Fact]
    public void Mismatches_throw_on_every_rank_naming_the_rank_and_the_difference()
    {
        JobResult job = MpiJob.OpenMpi(2, "mismatch");
        job.AssertSucceeded();
        for (int r = 0; r < 2; r++)
        {
            AssertEx.Contains(job.Line(r, "CAUGHT fingerprint"),
                "RankMismatchException: The ranks disagree on the model and batch size: rank 1 has \"Sequential[Dense(512), Dense(10)] batch=32\" " +
                "but rank 0 has \"Sequential[Dense(512), Dense(10)] batch=64\" (they first differ at character 40).");
            AssertEx.Contains(job.Line(r, "CAUGHT count"),
                "RankMismatchException: The ranks' collective calls do not match: rank 0 called AllReduce #4 (Sum of 10 float), but rank 1 called AllReduce #4 (Sum of 11 float).");
            AssertEx.Contains(job.Rank(r), "ALL OK");
        }

        AssertEx.Contains(job.Line(0, "CAUGHT root"), "RankFailedException: Rank 1 of 2 passed invalid arguments to Broadcast #5 (3 float from root 5)");
        AssertEx.Contains(job.Line(1, "CAUGHT root"), "ArgumentOutOfRangeException: Broadcast: root must be a rank in [0, 2), but received 5.");
    }

    [Fact]
    public void A_rank_that_reports_a_failure_makes_the_others_throw_naming_it()
    {
        JobResult job = MpiJob.OpenMpi(2, "report-failure", "20");
        job.AssertFailed();
        AssertEx.Contains(job.Line(0, "CAUGHT"),
            "RankFailedException: Rank 1 of 2 failed: InvalidOperationException: label 10 is out of range [0, 10) in batch 3. This rank (0) stopped at AllReduce #2");
        Assert.InRange(job.CaughtAfter(0), 0, 5);
        AssertEx.Contains(job.Output, "Nabla.Distributed: rank 0 of 2 aborts the job");
        Assert.InRange(job.Wall.TotalSeconds, 0, 30);
    }

    [Fact]
    public void An_unhandled_exception_on_one_rank_ends_the_job_naming_the_rank()
    {
        JobResult job = MpiJob.OpenMpi(2, "unhandled", "60");
        job.AssertFailed();
        Assert.InRange(job.Wall.TotalSeconds, 0, 30);   // far below the 60 s timeout: nobody waited for it
        // Rank 1's unhandled-exception hook tells rank 0, which prints it, unless mpirun, seeing rank 1 die, kills rank 0 first.
        bool told = job.Rank(0).Contains("RankFailedException: Rank 1 of 2 failed: InvalidOperationException: nobody catches this.", StringComparison.Ordinal);
        bool named = job.Output.Contains("process rank 1", StringComparison.Ordinal);
        Assert.True(told || named, $"Neither rank 0 nor mpirun named rank 1:\n{job}");
    }

    [Fact]
    public void A_rank_that_stops_answering_is_named_by_the_others_after_the_timeout()
    {
        JobResult job = MpiJob.OpenMpi(2, "hang", "2");
        job.AssertFailed();
        AssertEx.Contains(job.Line(0, "CAUGHT"),
            "CollectiveTimeoutException: AllReduce #2 (Sum of 1000 float) timed out on rank 0 of 2: after 2 s not every rank had arrived. " +
            "Rank 1 did not respond: it died, hangs, or has been working outside MPI calls for longer than the timeout.", "NABLA_MPI_TIMEOUT");
        Assert.InRange(job.CaughtAfter(0), 2, 8);   // the timeout, then at most 1 s asking the ranks where they are
        Assert.InRange(job.Wall.TotalSeconds, 0, 30);
    }

    [Fact]
    public void With_three_ranks_the_waiting_ranks_name_the_silent_one()
    {
        // Rank 0 gives up after 2 s and asks; rank 1 (timeout 4 s) answers, learns the verdict and throws naming rank 2.
        JobResult job = MpiJob.OpenMpi(3, "hang", "2");
        job.AssertFailed();
        AssertEx.Contains(job.Line(0, "CAUGHT"), "timed out on rank 0 of 3: after 2 s not every rank had arrived. Rank 2 did not respond",
            "Rank 1 answered from AllReduce #2 (Sum of 1000 float).");
        AssertEx.Contains(job.Line(1, "CAUGHT"),
            "CollectiveTimeoutException: Rank 0 of 3 gave up waiting for the other ranks in AllReduce #2 (Sum of 1000 float) after 2 s, so the job " +
            "cannot go on; this rank (1) was at AllReduce #2 (Sum of 1000 float). Rank 2 did not respond: it died, hangs, or has been working");
        Assert.InRange(job.CaughtAfter(0), 2, 8);
        Assert.InRange(job.CaughtAfter(1), 2, 8);
        Assert.InRange(job.Wall.TotalSeconds, 0, 30);
    }

    [Fact]
    public void A_killed_rank_makes_mpirun_end_the_job_and_name_it()
    {
        JobResult job = MpiJob.OpenMpi(2, "kill", "60");
        job.AssertFailed();
        AssertEx.Contains(job.Output, "process rank 1", "signal 9");
        Assert.InRange(job.Wall.TotalSeconds, 0, 30);   // far below rank 0's 60 s timeout: mpirun ended it
        Assert.DoesNotContain("NOT CAUGHT", job.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("exit")]
    [InlineData("exit-early")]
    public void A_rank_that_exits_without_disposing_makes_the_job_fail_naming_it(string scenario)
    {
        // Rank 1 calls Environment.Exit(3), or Environment.Exit(0) as an early return would, while rank 0 waits in an
        // all-reduce: at exit the communicator still meets the others, sees the mismatch and aborts the job. (The
        // job's status is that of whichever abort mpirun sees first: rank 1's, or rank 0's after it caught the mismatch.)
        JobResult job = MpiJob.OpenMpi(2, scenario, "60");
        job.AssertFailed();
        AssertEx.Contains(job.Output, "Nabla.Distributed: rank 1 of 2 aborts the job: the communicator cannot finalize after this error: " +
            "The ranks' collective calls do not match: rank 0 called AllReduce #2 (Sum of 1000 float), but rank 1 called Dispose #2 (the last meeting before MPI_Finalize).");
        AssertEx.Contains(job.Line(0, "CAUGHT"), "RankMismatchException: The ranks' collective calls do not match: rank 0 called AllReduce #2");
        Assert.InRange(job.Wall.TotalSeconds, 0, 30);
    }
}
