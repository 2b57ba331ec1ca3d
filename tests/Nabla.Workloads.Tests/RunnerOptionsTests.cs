namespace Nabla.Workloads.Tests;

/// <summary>The runner's command line: repeated <c>--peers</c> and <c>--report</c>, and the errors it gives.</summary>
public class RunnerOptionsTests
{
    [Fact]
    public void Repeated_peers_and_reports_are_kept_in_order()
    {
        RunnerOptions options = RunnerOptions.Parse(["w3", "--report", "a.json", "--peers", "p1", "--report", "b.json", "--peers", "p2"]);

        Assert.Equal(["w3"], options.Selectors);
        Assert.Equal(["a.json", "b.json"], options.Reports);
        Assert.Equal(["p1", "p2"], options.PeersDirectories);
        Assert.Equal(RunnerOptions.DefaultOutputPath, options.OutputPath);
        Assert.False(options.Quick);
    }

    [Fact]
    public void A_plain_run_has_no_peers_and_no_reports()
    {
        RunnerOptions options = RunnerOptions.Parse(["--quick", "--out", "x.json"]);

        Assert.Empty(options.Selectors);
        Assert.Empty(options.PeersDirectories);
        Assert.Empty(options.Reports);
        Assert.Equal("x.json", options.OutputPath);
        Assert.True(options.Quick);
    }

    [Fact]
    public void Report_without_peers_says_what_it_needs()
    {
        var e = Assert.Throws<ArgumentException>(() => RunnerOptions.Parse(["--report", "a.json"]));
        Assert.StartsWith("--report compares saved reports with the peers: give the peers' folder with --peers DIR.", e.Message);
    }

    [Theory]
    [InlineData("--peers", "--peers needs a folder.")]
    [InlineData("--report", "--report needs a file path.")]
    [InlineData("--out", "--out needs a file path.")]
    public void An_option_without_its_value_is_refused(string option, string message)
    {
        // At the end of the line, and followed by another option instead of its value.
        Assert.StartsWith(message, Assert.Throws<ArgumentException>(() => RunnerOptions.Parse([option])).Message);
        Assert.StartsWith(message, Assert.Throws<ArgumentException>(() => RunnerOptions.Parse([option, "--quick"])).Message);
    }

    [Fact]
    public void An_unknown_option_is_named()
    {
        var e = Assert.Throws<ArgumentException>(() => RunnerOptions.Parse(["--peer", "p1"]));
        Assert.StartsWith("Unknown option '--peer'.", e.Message);
    }
}
