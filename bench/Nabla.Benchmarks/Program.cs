using BenchmarkDotNet.Running;
using Nabla.Benchmarks;

// Kernel benchmarks. Run all with: dotnet run -c Release --project bench/Nabla.Benchmarks -- --filter '*'
// Quick hand-timed GEMM table (seconds instead of minutes): ... -- --quick [--all-paths] [--sizes 512,1024] [--threads 1]
if (args.Length > 0 && args[0] == "--quick")
    QuickBenchmark.Run(args);
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
