using System.Globalization;
using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

/// <summary>
/// The all-reduce overlapped with the backward pass under <c>mpirun -np 2</c> (tests/Nabla.Distributed.MpiChecks,
/// scenario <c>fit</c> with a mode): it is really taken, gives the same bits as summing after the pass, and matches one
/// process, also with unequal shares of a batch.
/// </summary>
[Collection(MpiJobCollection.Name)]
public class OverlapJobTests
{
    [Fact]
    public void Buckets_summed_during_the_backward_pass_give_the_bits_of_sums_after_it_and_match_one_process()
    {
        // Every gradient in a bucket of its own: the second layer's buckets are handed over while the first layer's
        // gradients are still being computed.
        JobResult overlapped = MpiJob.OpenMpi(2, "fit", "60", "overlap-small");
        overlapped.AssertSucceeded();
        JobResult serial = MpiJob.OpenMpi(2, "fit", "60", "serial-small");
        serial.AssertSucceeded();
        JobResult one = MpiJob.Alone(null, "fit", "60", "overlap-small");
        one.AssertSucceeded();

        // 480 training rows at batch 64: 8 steps an epoch, 3 epochs; 4 buckets a step, of which the pass's last one
        // (the first layer's kernel) waits for its end.
        for (int r = 0; r < 2; r++)
        {
            Assert.Equal("strategy overlap True steps 24 overlapped buckets 72", Strategy(overlapped, r));
            Assert.Equal("strategy overlap False steps 24 overlapped buckets 0", Strategy(serial, r));
        }

        Assert.Equal(overlapped.Line(0, "weights digest"), overlapped.Line(1, "weights digest"));
        Assert.Equal(serial.Line(0, "weights digest"), overlapped.Line(0, "weights digest"));
        Assert.Equal(serial.Line(0, "history loss"), overlapped.Line(0, "history loss"));
        foreach (string prefix in new[] { "weights sample", "history loss", "history val_loss", "predict sample" })
        {
            AssertClose(Numbers(one.Line(0, prefix), prefix), Numbers(overlapped.Line(0, prefix), prefix), prefix);
        }
    }

    [Fact]
    public void By_default_a_rank_bound_to_one_core_sums_after_the_pass_and_a_rank_with_more_cores_overlaps()
    {
        // mpirun binds each of 2 ranks to a core where the machine has 2 or more: the communication thread would take
        // its time from the rank's own backward pass, so the default sums after it. Either way the bits are the same.
        JobResult auto = MpiJob.OpenMpi(2, "fit", "60", "auto-small");
        auto.AssertSucceeded();
        JobResult serial = MpiJob.OpenMpi(2, "fit", "60", "serial-small");
        serial.AssertSucceeded();
        for (int r = 0; r < 2; r++)
        {
            int cores = int.Parse(auto.Line(r, "cores").Split(' ')[^1], CultureInfo.InvariantCulture);
            Assert.Equal(cores > 1 ? "strategy overlap True steps 24 overlapped buckets 72" : "strategy overlap False steps 24 overlapped buckets 0",
                Strategy(auto, r));
        }

        Assert.Equal(serial.Line(0, "weights digest"), auto.Line(0, "weights digest"));
        Assert.Equal(auto.Line(0, "weights digest"), auto.Line(1, "weights digest"));
    }

    [Fact]
    public void Mpich_takes_the_overlapped_path_too_and_gives_the_bits_of_open_mpi()
    {
        JobResult mpich = MpiJob.Mpich(2, "fit", "60", "overlap-small");
        mpich.AssertSucceeded();
        JobResult openMpi = MpiJob.OpenMpi(2, "fit", "60", "overlap-small");
        openMpi.AssertSucceeded();
        for (int r = 0; r < 2; r++)
        {
            Assert.Equal("strategy overlap True steps 24 overlapped buckets 72", Strategy(mpich, r));
        }

        // Two ranks' sums are a + b in either library, so the weights are the same bits.
        Assert.Equal(mpich.Line(0, "weights digest"), mpich.Line(1, "weights digest"));
        Assert.Equal(openMpi.Line(0, "weights digest"), mpich.Line(0, "weights digest"));
    }

    [Fact]
    public void Unequal_shares_weight_the_loss_gradient_and_still_match_one_process()
    {
        // Batch 63: the ranks take 32 and 31 rows (the last batch of 39: 20 and 19), so the seeds are 32/63 and 31/63.
        JobResult two = MpiJob.OpenMpi(2, "fit", "60", "overlap", "63");
        two.AssertSucceeded();
        JobResult one = MpiJob.Alone(null, "fit", "60", "overlap", "63");
        one.AssertSucceeded();
        Assert.Equal(two.Line(0, "weights digest"), two.Line(1, "weights digest"));
        foreach (string prefix in new[] { "weights sample", "history loss", "history val_loss", "predict sample" })
        {
            AssertClose(Numbers(one.Line(0, prefix), prefix), Numbers(two.Line(0, prefix), prefix), prefix);
        }
    }

    private static string Strategy(JobResult job, int rank)
    {
        string line = job.Line(rank, "strategy");
        return line[line.IndexOf("strategy", StringComparison.Ordinal)..].Trim();
    }

    private static double[] Numbers(string line, string prefix) =>
        [.. line[(line.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => double.Parse(s, CultureInfo.InvariantCulture))];

    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 + (1e-5 * Math.Abs(expected[i])),
                $"{what}[{i}]: one process {expected[i]}, two ranks {actual[i]}");
        }
    }
}
