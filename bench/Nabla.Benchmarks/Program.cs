using BenchmarkDotNet.Running;

// Kernel benchmarks. Run all with: dotnet run -c Release --project bench/Nabla.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
