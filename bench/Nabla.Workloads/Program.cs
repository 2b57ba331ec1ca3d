// End-to-end benchmark runner: trains the tutorial workloads through the public API, as a user would, and measures
// time, throughput, allocation and garbage collections per epoch; prints a table against the goals and writes JSON.
// Run: dotnet run -c Release --project bench/Nabla.Workloads -- [names...] [--out path.json] [--quick] [--peers DIR]...
// or, to judge saved runs: ... -- [names...] --report path.json... --peers DIR...
// What each workload is, the goals and the TorchSharp baselines: docs/benchmarks.md.
using System.Diagnostics;
using Nabla.Workloads;
using Nabla.Workloads.Reporting;

if (args.Length == 1 && args[0] == ColdStartWorkload.ChildFlag)
{
    return ColdStartWorkload.RunChild();
}

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(RunnerOptions.Usage);
    return 0;
}

RunnerOptions options;
IReadOnlyList<Workload> workloads;
PeerComparison? peers;
try
{
    options = RunnerOptions.Parse(args);
    workloads = WorkloadCatalog.Select(options.Selectors);
    peers = options.PeersDirectories.Count > 0 ? PeerComparison.Load(options.PeersDirectories) : null;   // read first: fail before the runs
    if (options.Reports.Count > 0)
    {
        // Saved runs against the peers: nothing is run.
        RunReport[] saved = [.. options.Reports.Select(ReportReader.Read)];
        peers!.Print(saved, workloads, Console.Out);
        return 0;
    }
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

var results = new List<WorkloadResult>();
foreach (Workload workload in workloads)
{
    Console.Write($"{workload.Id} {workload.Name}... ");
    long start = Stopwatch.GetTimestamp();
    results.Add(workload.Run(options));
    Console.WriteLine($"{Stopwatch.GetElapsedTime(start).TotalSeconds:F1} s");
}

var report = new RunReport(DateTimeOffset.UtcNow, RunReport.LibraryVersion(), options.Quick, RunReport.SteadyStateRule,
    MachineInfo.Current(), results);
Console.WriteLine();
ResultTable.Print(report, Console.Out);
ReportWriter.Write(report, options.OutputPath);
Console.WriteLine($"Wrote {Path.GetFullPath(options.OutputPath)}");
if (peers is not null)
{
    Console.WriteLine();
    peers.Print([report], workloads, Console.Out);
}

return 0;
