using System.Globalization;
using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

/// <summary>
/// Data-parallel Fit, Evaluate and Predict under <c>mpirun -np 2</c> (tests/Nabla.Distributed.MpiChecks, scenarios
/// <c>fit</c>, <c>fit-mismatch</c>, <c>fit-killed</c>), against the same program run as one process.
/// </summary>
[Collection(MpiJobCollection.Name)]
public class DataParallelJobTests
{
    [Fact]
    public void Two_ranks_keep_identical_weights_and_match_one_process_over_the_same_global_batches()
    {
        JobResult two = MpiJob.OpenMpi(2, "fit", "60");
        two.AssertSucceeded();
        JobResult one = MpiJob.Alone(null, "fit", "60");
        one.AssertSucceeded();

        // Bit-identical weights on both ranks.
        Assert.Equal(two.Line(0, "weights digest"), two.Line(1, "weights digest"));
        foreach (string prefix in new[] { "history loss", "history accuracy", "history val_loss", "history val_accuracy", "evaluate", "predict sample" })
        {
            Assert.Equal(two.Line(0, prefix), two.Line(1, prefix));
        }

        // The same numbers as one process training on the same global batches, to float rounding (the gradient of a
        // global batch is summed from two halves instead of computed at once).
        foreach (string prefix in new[] { "weights sample", "history loss", "history val_loss", "predict sample" })
        {
            AssertClose(Numbers(one.Line(0, prefix), prefix), Numbers(two.Line(0, prefix), prefix), prefix);
        }

        Assert.Equal(one.Line(0, "history accuracy"), two.Line(0, "history accuracy"));
        Assert.Equal(one.Line(0, "history val_accuracy"), two.Line(0, "history val_accuracy"));
        double[] evaluateOne = Numbers(one.Line(0, "evaluate").Replace("loss", string.Empty, StringComparison.Ordinal).Replace("accuracy", string.Empty, StringComparison.Ordinal), "evaluate");
        double[] evaluateTwo = Numbers(two.Line(0, "evaluate").Replace("loss", string.Empty, StringComparison.Ordinal).Replace("accuracy", string.Empty, StringComparison.Ordinal), "evaluate");
        AssertClose(evaluateOne, evaluateTwo, "evaluate");

        // Progress is printed by rank 0 only.
        Assert.Equal(3, two.Output.Split('\n').Count(l => l.StartsWith("Epoch ", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_different_model_on_one_rank_is_refused_on_every_rank_naming_it()
    {
        JobResult job = MpiJob.OpenMpi(2, "fit-mismatch", "60");
        for (int r = 0; r < 2; r++)
        {
            AssertEx.Contains(job.Line(r, "CAUGHT"), "RankMismatchException", "rank 1");
        }
    }

    [Fact]
    public void A_rank_that_dies_mid_epoch_makes_the_job_fail_instead_of_hanging()
    {
        JobResult job = MpiJob.OpenMpi(2, "fit-killed", "10");
        job.AssertFailed();
        AssertEx.Contains(job.Rank(1), "dying now");
        Assert.DoesNotContain("NOT STOPPED", job.Output, StringComparison.Ordinal);
        Assert.InRange(job.Wall.TotalSeconds, 0, 45);
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
