using Nabla.Kernels.Parallel;

namespace Nabla.Tests.Kernels.Parallel;

public class ThreadBudgetTests
{
    private static int Threads(int cores, params (string Name, string Value)[] variables)
    {
        var warnings = new StringWriter();
        int threads = ThreadBudget.Compute(name => variables.FirstOrDefault(v => v.Name == name).Value, cores, warnings);
        Assert.Equal(string.Empty, warnings.ToString());
        return threads;
    }

    [Fact]
    public void Every_core_by_default() => Assert.Equal(2, Threads(2));

    [Fact]
    public void NABLA_NUM_THREADS_sets_it() => Assert.Equal(1, Threads(2, ("NABLA_NUM_THREADS", "1")));

    [Theory]
    [InlineData("OMPI_COMM_WORLD_LOCAL_SIZE", "2", 8, 4)]
    [InlineData("MPI_LOCALNRANKS", "2", 2, 1)]
    [InlineData("OMPI_COMM_WORLD_LOCAL_SIZE", "4", 2, 1)]
    [InlineData("OMPI_COMM_WORLD_LOCAL_SIZE", "1", 2, 2)]
    public void MPI_ranks_on_one_machine_share_its_cores(string name, string ranks, int cores, int expected) =>
        Assert.Equal(expected, Threads(cores, (name, ranks)));

    [Fact]
    public void The_explicit_setting_wins_over_the_launchers() =>
        Assert.Equal(2, Threads(8, ("NABLA_NUM_THREADS", "2"), ("OMPI_COMM_WORLD_LOCAL_SIZE", "2")));

    [Theory]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("two")]
    public void A_bad_setting_is_ignored_with_a_warning(string value)
    {
        var warnings = new StringWriter();
        Assert.Equal(2, ThreadBudget.Compute(n => n == "NABLA_NUM_THREADS" ? value : null, 2, warnings));
        Assert.Contains($"NABLA_NUM_THREADS is '{value}', not a positive integer", warnings.ToString(), StringComparison.Ordinal);
    }
}
