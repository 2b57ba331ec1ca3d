using System.Globalization;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Nabla.Benchmarks;

/// <summary>A summary column with a benchmark's best-iteration GFLOP/s as a share of the FMA peak of all cores, measured once in the host process.</summary>
/// <param name="flops">Floating-point operations of one invocation.</param>
public sealed class PeakShareColumn(Func<BenchmarkCase, double> flops) : IColumn
{
    private static readonly Lazy<double> Peak = new(() =>
        FmaPeak.MeasureGflops(Environment.ProcessorCount, Avx512F.IsSupported, runs: 5));

    public string Id => "PeakShare";

    public string ColumnName => "% of FMA peak";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 2;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Best iteration's GFLOP/s over the FMA peak of all cores (AVX-512 where present), measured in the host after the run";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null)
            return "NA";
        double gflops = flops(benchmarkCase) / statistics.Min;
        return (100 * gflops / Peak.Value).ToString("F1", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
