using BenchmarkDotNet.Running;
using Nabla.Benchmarks;

// Kernel benchmarks. Run all with: dotnet run -c Release --project bench/Nabla.Benchmarks -- --filter '*'
// Quick hand-timed GEMM table (seconds instead of minutes): ... -- --quick [--all-paths] [--sizes 512,1024] [--threads 1]
// Quick hand-timed table of the W5 convolutions: ... -- --quick-conv [--threads 1,2]
if (args.Length > 0 && args[0] == "--quick")
    QuickBenchmark.Run(args);
else if (args.Length > 0 && args[0] == "--quick-conv")
    ConvQuickBenchmark.Run(args);
else
    BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
