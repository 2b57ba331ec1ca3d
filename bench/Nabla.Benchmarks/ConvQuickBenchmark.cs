using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>
/// A fast, hand-timed table of the W5 convolutions (<see cref="ConvShape.W5"/>), for tuning:
/// <c>dotnet run -c Release --project bench/Nabla.Benchmarks -- --quick-conv [--threads 1,2]</c>.
/// </summary>
/// <remarks>
/// Each case is warmed up, then timed in 11 runs of at least 50 ms; it prints the best and median GFLOP/s and the best
/// as a share of the FMA peak on the same threads (measured first), since other processes share the cores; on one
/// thread also the rate from the thread's CPU time, which does not count the time other processes held the core.
/// </remarks>
internal static class ConvQuickBenchmark
{
    private const int Runs = 11;
    private static readonly TimeSpan RunTime = TimeSpan.FromMilliseconds(50);

    public static void Run(string[] args)
    {
        int i = Array.IndexOf(args, "--threads");
        int[] threadCounts = i >= 0 && i + 1 < args.Length
            ? [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]
            : Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];
        foreach (int threads in threadCounts)
        {
            double peak = FmaPeak.MeasureGflops(threads, Avx512F.IsSupported, 5);
            Console.WriteLine($"{threads} thread(s): FMA peak {peak:F1} GFLOP/s");
            Console.WriteLine($"{"case",-22} {"best GF/s",10} {"median",8} {"% peak",7} {"best µs",10} {"cpu GF/s",9}");
            Gemm.MaxThreads = threads;
            SpatialThreads.MaxThreads = threads;
            foreach (ConvShape shape in ConvShape.W5)
            {
                var runner = new ConvRunner(shape);
                Time(shape.Name, runner.Run, shape.Flops, peak, threads);
            }

            // The same products as one GEMM on ready-made operands (no im2col), the speed a convolution can approach.
            foreach ((string name, int m, int n, int k) in new[] { ("GEMM L1 25088x32x9", 25088, 32, 9), ("GEMM L2 6272x64x288", 6272, 64, 288) })
            {
                var random = new System.Random(1);
                float[] a = BenchmarkData.Uniform(random, m * k), b = BenchmarkData.Uniform(random, k * n), c = new float[m * n];
                Time(name, () => Gemm.Multiply(false, false, m, n, k, a, k, b, n, c, n), 2.0 * m * n * k, peak, threads);
            }

            TimeMemoryBound(threads);

            Gemm.MaxThreads = Environment.ProcessorCount;
            SpatialThreads.MaxThreads = Environment.ProcessorCount;
            Console.WriteLine();
        }
    }

    // Pooling and batch norm, which move memory: µs per call and GB/s of the bytes they must read and write.
    private static void TimeMemoryBound(int threads)
    {
        Console.WriteLine($"{"memory-bound case",-22} {"best GB/s",10} {"median",8} {"",7} {"best µs",10}");
        var random = new System.Random(42);
        Pool2DGeometry pool = Pool2DGeometry.Create(32, 28, 28, 32, 2, 2, 2, 2, PaddingMode.Valid);
        float[] x = BenchmarkData.Uniform(random, pool.InputLength), y = new float[pool.OutputLength], dx = new float[pool.InputLength];
        var argmax = new int[pool.OutputLength];
        Time("maxpool fwd 28x28x32", () => Pooling.MaxForward(pool, x, y, argmax), 4.0 * (pool.InputLength + (2 * pool.OutputLength)), 0, threads);
        Time("maxpool bwd 28x28x32", () => Pooling.MaxBackward(pool, y, argmax, dx), 4.0 * (pool.InputLength + (2 * pool.OutputLength)), 0, threads);
        Time("maxpool values 28x28x32", () => Pooling.MaxForward(pool, x, y, default), 4.0 * (pool.InputLength + pool.OutputLength), 0, threads);
        Pool2DGeometry pool256 = Pool2DGeometry.Create(256, 28, 28, 32, 2, 2, 2, 2, PaddingMode.Valid);
        float[] x256 = BenchmarkData.Uniform(random, pool256.InputLength), y256 = new float[pool256.OutputLength];
        Time("maxpool values b256", () => Pooling.MaxForward(pool256, x256, y256, default), 4.0 * (pool256.InputLength + pool256.OutputLength), 0, threads);
        const int rows = 25088, channels = 32;
        float[] g = BenchmarkData.Uniform(random, channels), m = new float[channels], v = new float[channels], s = new float[channels];
        float[] dg = new float[channels], db = new float[channels];
        float[] by = new float[rows * channels];
        Time("batchnorm fwd 25088x32", () => BatchNorm.TrainingForward(x, rows, channels, g, g, 1e-3f, by, m, v, s), 4.0 * 3 * rows * channels, 0, threads);
        Time("batchnorm bwd 25088x32", () => BatchNorm.Backward(x, x, rows, channels, m, s, g, by, dg, db), 4.0 * 5 * rows * channels, 0, threads);
    }

    // With peak 0 the work is bytes and the figures are GB/s.
    private static void Time(string name, Action call, double flops, double peak, int threads)
    {
        long iterations = 0, start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < RunTime || iterations < 3)
        {
            call();
            iterations++;
        }

        double estimate = Stopwatch.GetElapsedTime(start).TotalSeconds / iterations;
        long perRun = Math.Max(1, (long)(RunTime.TotalSeconds / estimate));
        var seconds = new double[Runs];
        double cpuBest = double.MaxValue;
        for (int run = 0; run < Runs; run++)
        {
            double cpuStart = QuickBenchmark.ThreadCpuSeconds();
            start = Stopwatch.GetTimestamp();
            for (long k = 0; k < perRun; k++)
                call();
            seconds[run] = Stopwatch.GetElapsedTime(start).TotalSeconds / perRun;
            cpuBest = Math.Min(cpuBest, (QuickBenchmark.ThreadCpuSeconds() - cpuStart) / perRun);
        }

        Array.Sort(seconds);
        double best = flops / seconds[0] / 1e9;
        string cpu = threads == 1 && OperatingSystem.IsLinux() ? $"{flops / cpuBest / 1e9,9:F1}" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-22} {best,10:F1} {flops / seconds[Runs / 2] / 1e9,8:F1} {(peak > 0 ? (100 * best / peak).ToString("F1", CultureInfo.InvariantCulture) : ""),7} {seconds[0] * 1e6,10:F1} {cpu}"));
    }
}
