using Nabla.Distributed.Tests.Support;

namespace Nabla.Distributed.Tests;

/// <summary>
/// <see cref="Mpi.Initialize"/> in this process, with the environment and the library search replaced so that no MPI
/// starts here (the MPI job tests start MPI in child processes). One class, so that the tests of the process-wide
/// state never run at the same time.
/// </summary>
public class MpiTests
{
    private static readonly string[] NoLibrary = ["libnabla-test-no-such-mpi.so"];

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Without_an_mpi_library_a_program_runs_as_one_process()
    {
        using (Communicator world = Mpi.InitializeWith(null, Environment(), NoLibrary))
        {
            Assert.IsType<LocalCommunicator>(world);
            Assert.Equal((0, 1), (world.Rank, world.Size));
            Assert.Equal(Mpi.DefaultTimeout, world.Timeout);
            AssertEx.Contains(world.Implementation, "no MPI library is installed", "apt-get install openmpi-bin");
            float[] values = [2f];
            world.AllReduce(values);
            Assert.Equal([2f], values);

            AssertEx.Throws<InvalidOperationException>(() => Mpi.InitializeWith(null, Environment(), NoLibrary),
                "Mpi.Initialize() was already called and its communicator (rank 0 of 1) is still open");
        }

        // Without MPI nothing was finalized, so a later program phase may start again.
        using Communicator again = Mpi.InitializeWith(TimeSpan.FromSeconds(3), Environment(), NoLibrary);
        Assert.Equal(TimeSpan.FromSeconds(3), again.Timeout);
    }

    [Fact]
    public void A_launcher_without_a_library_says_which_package_to_install()
    {
        var ex = AssertEx.Throws<DllNotFoundException>(
            () => Mpi.InitializeWith(null, Environment(("OMPI_COMM_WORLD_SIZE", "4")), NoLibrary),
            "A launcher started this process as one of 4 ranks, but no MPI library loads", "libnabla-test-no-such-mpi.so",
            "apt-get install openmpi-bin");
        Assert.Null(ex.InnerException);
        AssertEx.Throws<DllNotFoundException>(() => Mpi.InitializeWith(null, Environment(("PMI_SIZE", "2")), NoLibrary), "one of 2 ranks");
    }

    [Fact]
    public void An_explicit_library_that_does_not_load_is_an_error()
    {
        AssertEx.Throws<DllNotFoundException>(
            () => Mpi.InitializeWith(null, Environment((Mpi.LibraryVariable, "/nonexistent/libmpi.so")), null),
            "NABLA_MPI_LIBRARY is set to '/nonexistent/libmpi.so', but that library does not load", "/nonexistent/libmpi.so:");
    }

    [Theory]
    [InlineData("60", 60.0)]
    [InlineData(" 2.5 ", 2.5)]
    [InlineData("0.001", 0.001)]
    public void The_timeout_variable_is_seconds(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Mpi.ResolveTimeout(null, text));

    [Theory]
    [InlineData("0")]
    [InlineData("inf")]
    [InlineData("Infinite")]
    public void The_timeout_variable_can_turn_the_timeout_off(string text) =>
        Assert.Equal(Timeout.InfiniteTimeSpan, Mpi.ResolveTimeout(null, text));

    [Fact]
    public void The_argument_wins_over_the_variable_and_bad_values_are_rejected()
    {
        Assert.Equal(TimeSpan.FromSeconds(7), Mpi.ResolveTimeout(TimeSpan.FromSeconds(7), "60"));
        Assert.Equal(Mpi.DefaultTimeout, Mpi.ResolveTimeout(null, null));
        Assert.Equal(TimeSpan.FromSeconds(60), Mpi.DefaultTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, Mpi.ResolveTimeout(Timeout.InfiniteTimeSpan, null));
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Mpi.ResolveTimeout(TimeSpan.Zero, null), "timeout must be positive");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Mpi.ResolveTimeout(TimeSpan.FromSeconds(-2), null), "received -00:00:02");
        foreach (string bad in new[] { "-1", "ten", "1e12", "NaN" })
        {
            AssertEx.Throws<ArgumentException>(() => Mpi.ResolveTimeout(null, bad),
                "NABLA_MPI_TIMEOUT must be a positive number of seconds (such as 60 or 2.5), or 0 or inf to wait forever", $"but is '{bad}'");
        }

        AssertEx.Throws<ArgumentException>(() => Mpi.InitializeWith(null, Environment((Mpi.TimeoutVariable, "soon")), NoLibrary), "but is 'soon'");
    }
}
