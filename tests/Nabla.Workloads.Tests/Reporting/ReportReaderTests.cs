using Nabla.Tests.Support;
using Nabla.Workloads.Reporting;
using Nabla.Workloads.Tests.Support;

namespace Nabla.Workloads.Tests.Reporting;

/// <summary>Reading back what <see cref="ReportWriter"/> wrote, and refusing what it did not.</summary>
public class ReportReaderTests
{
    [Fact]
    public void A_written_report_reads_back_with_its_figures_goals_and_machine()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "run.json");
        RunReport written = Reports.Of(null, Reports.Mnist(0.1376, 0.9605), Reports.Step(double.NaN));

        ReportWriter.Write(written, path);
        RunReport read = ReportReader.Read(path);

        Assert.Equal(written.Timestamp, read.Timestamp);
        Assert.Equal(written.NablaVersion, read.NablaVersion);
        Assert.Equal(written.Machine, read.Machine);
        Assert.Equal(["mnist-mlp", "step"], read.Workloads.Select(w => w.Name));
        Figure epoch = read.Workloads[0].Figures[0];
        Assert.Equal(("time per epoch", 0.1376, Units.Seconds, 0.28), (epoch.Name, epoch.Value, epoch.Unit, epoch.Baseline));
        Assert.Equal(Goal.AtMost(0.14), epoch.Goal);
        Assert.Equal(Goal.AtLeast(0.95), read.Workloads[0].Figures[1].Goal);
        Assert.True(double.IsNaN(read.Workloads[1].Figures[0].Value));   // written as "NaN", read as NaN
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "none.json");

        var e = Assert.Throws<ArgumentException>(() => ReportReader.Read(path));
        Assert.Equal($"--report: the file '{path}' does not exist; write one with --out.", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_json_is_refused()
    {
        using var folder = new TempFolder();
        string path = Reports.Write(folder, "bad.json", "time per epoch: 0.14 s");

        var e = Assert.Throws<ArgumentException>(() => ReportReader.Read(path));
        Assert.StartsWith($"--report: '{path}' is not a runner report: ", e.Message);
    }

    [Fact]
    public void A_truncated_report_is_refused()
    {
        using var folder = new TempFolder();
        string path = Path.Combine(folder.Path, "run.json");
        ReportWriter.Write(Reports.Of(null, Reports.Step(56.2)), path);
        string text = File.ReadAllText(path);
        File.WriteAllText(path, text[..(text.Length / 2)]);

        var e = Assert.Throws<ArgumentException>(() => ReportReader.Read(path));
        Assert.StartsWith($"--report: '{path}' is not a runner report: ", e.Message);
    }

    [Theory]
    [InlineData("""{"W3": {"epoch_s_median_2_10": 0.29}}""")]   // a peers' file given by mistake
    [InlineData("""{"machine": {"processorCount": 2}, "workloads": [{"id": "w7"}]}""")]
    [InlineData("""{"machine": {"processorCount": 2}, "workloads": [{"name": "step"}]}""")]
    [InlineData("""{"workloads": []}""")]
    [InlineData("""{"machine": {"processorCount": 2}, "workloads": [{"name": "step", "figures": [{"value": 1}]}]}""")]
    [InlineData("null")]
    public void Json_of_another_kind_is_refused(string json)
    {
        using var folder = new TempFolder();
        string path = Reports.Write(folder, "other.json", json);

        var e = Assert.Throws<ArgumentException>(() => ReportReader.Read(path));
        Assert.Equal($"--report: '{path}' is not a runner report: it lacks the machine, or a workload's name or figures.", e.Message);
    }
}
