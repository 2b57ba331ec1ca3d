using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Nabla.Benchmarks;

/// <summary>A summary column with the throughput of a benchmark in GFLOP/s, from its mean or its fastest iteration.</summary>
/// <remarks>
/// Other processes may share the cores, so next to the mean the column set offers the best
/// iteration: it is the figure that estimates what the code does on a quiet machine.
/// </remarks>
/// <param name="flops">Floating-point operations of one benchmark invocation (per operation).</param>
/// <param name="best">Use the fastest iteration instead of the mean.</param>
public sealed class GflopsColumn(Func<BenchmarkCase, double> flops, bool best) : IColumn
{
    public string Id => best ? "GflopsBest" : "GflopsMean";

    public string ColumnName => best ? "GFLOP/s (best)" : "GFLOP/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => best ? 1 : 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => best
        ? "Floating-point operations per second, in billions, of the fastest iteration"
        : "Floating-point operations per second, in billions, from the mean time";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null)
            return "NA";
        double nanoseconds = best ? statistics.Min : statistics.Mean;
        return (flops(benchmarkCase) / nanoseconds).ToString("F1", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
