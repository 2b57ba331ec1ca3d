using System.Diagnostics;
using System.Globalization;
using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>
/// A fast, hand-timed alternative to the BenchmarkDotNet run, for tuning:
/// <c>dotnet run -c Release --project bench/Nabla.Benchmarks -- --quick [--all-paths | --paths Avx2,Scalar] [--sizes 512,1024] [--threads 1,2] [--no-small] [--no-peak]</c>.
/// </summary>
/// <remarks>
/// Each case is warmed up, then timed in 15 runs of at least 60 ms; it prints the best and the
/// median GFLOP/s, since other processes share the cores and the spread shows how noisy a run was.
/// Single-threaded cases also get a figure from the thread's CPU time (Linux), which does not
/// count the time another process held the core.
/// </remarks>
internal static class QuickBenchmark
{
    private const int Runs = 15;
    private static readonly TimeSpan RunTime = TimeSpan.FromMilliseconds(60);

    public static void Run(string[] args)
    {
        bool allPaths = args.Contains("--all-paths");
        int[] sizes = Option(args, "--sizes", [128, 256, 512, 1024, 2048]);
        int[] threadCounts = Option(args, "--threads", Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1]);
        GemmPath[] paths = Array.IndexOf(args, "--paths") is int i and >= 0 && i + 1 < args.Length
            ? [.. args[i + 1].Split(',').Select(Enum.Parse<GemmPath>)]
            : allPaths ? [.. new[] { GemmPath.Avx512, GemmPath.Avx2, GemmPath.Scalar }.Where(Gemm.IsSupported)] : [GemmPath.Auto];

        Console.WriteLine($"{Environment.ProcessorCount} cores, {RuntimeInformationText()}");
        if (!args.Contains("--no-peak"))
            PrintPeak(threadCounts);

        Console.WriteLine();
        Console.WriteLine($"{"case",-34} {"path",-7} {"thr",3} {"best GF/s",10} {"median",8} {"best µs",10} {"cpu GF/s",9}");
        foreach (GemmPath path in paths)
        {
            foreach (int threads in threadCounts)
            {
                foreach (int n in sizes)
                {
                    if (path == GemmPath.Scalar && n > 512)
                        continue;
                    Time($"{n}x{n}x{n} NN", path, threads, false, false, n, n, n);
                }

                if (!args.Contains("--no-small"))
                {
                    foreach (GemmShape s in GemmShape.Backprop)
                        Time(s.Name, path, threads, s.TransposeA, s.TransposeB, s.M, s.N, s.K);
                }
            }
        }
    }

    private static void PrintPeak(int[] threadCounts)
    {
        foreach (int threads in threadCounts)
        {
            if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported)
                Console.WriteLine($"FMA peak AVX-512, {threads} thread(s): {FmaPeak.MeasureGflops(threads, avx512: true, Runs):F1} GFLOP/s");
            if (System.Runtime.Intrinsics.X86.Fma.IsSupported)
                Console.WriteLine($"FMA peak AVX2,    {threads} thread(s): {FmaPeak.MeasureGflops(threads, avx512: false, Runs):F1} GFLOP/s");
        }
    }

    private static void Time(string name, GemmPath path, int threads, bool ta, bool tb, int m, int n, int k)
    {
        Gemm.ForcedPath = path;
        Gemm.MaxThreads = threads;
        var random = new System.Random(42);
        float[] a = BenchmarkData.Uniform(random, m * k), b = BenchmarkData.Uniform(random, k * n), c = new float[m * n];
        int lda = ta ? m : k, ldb = tb ? k : n;
        void Call() => Gemm.Multiply(ta, tb, m, n, k, a, lda, b, ldb, c, n);

        // Warm-up (tier-up of the JIT, pack buffers, workers), and a first estimate of the call time.
        long iterations = 0;
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < RunTime || iterations < 3)
        {
            Call();
            iterations++;
        }

        double estimate = Stopwatch.GetElapsedTime(start).TotalSeconds / iterations;
        long perRun = Math.Max(1, (long)(RunTime.TotalSeconds / estimate));
        var seconds = new double[Runs];
        double cpuBest = double.MaxValue;
        for (int run = 0; run < Runs; run++)
        {
            double cpuStart = ThreadCpuSeconds();
            start = Stopwatch.GetTimestamp();
            for (long i = 0; i < perRun; i++)
                Call();
            seconds[run] = Stopwatch.GetElapsedTime(start).TotalSeconds / perRun;
            cpuBest = Math.Min(cpuBest, (ThreadCpuSeconds() - cpuStart) / perRun);
        }

        Array.Sort(seconds);
        double flops = 2.0 * m * n * k;
        string cpu = threads == 1 && OperatingSystem.IsLinux() ? $"{flops / cpuBest / 1e9,9:F1}" : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-34} {path,-7} {threads,3} {flops / seconds[0] / 1e9,10:F1} {flops / seconds[Runs / 2] / 1e9,8:F1} {seconds[0] * 1e6,10:F1}{cpu}"));
        Gemm.ForcedPath = GemmPath.Auto;
        Gemm.MaxThreads = Environment.ProcessorCount;
    }

    // CPU time of the calling thread (Linux): unlike wall time it stops while another process has
    // the core, so single-threaded figures stay meaningful on a shared machine.
    internal static double ThreadCpuSeconds()
    {
        if (!OperatingSystem.IsLinux())
            return 0;
        _ = ClockGetTime(ClockThreadCpuTime, out TimeSpec t);
        return t.Seconds + (t.Nanoseconds * 1e-9);
    }

    private const int ClockThreadCpuTime = 3;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static int[] Option(string[] args, string name, int[] fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length
            ? [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]
            : fallback;
    }

    private static string RuntimeInformationText() =>
        $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}";
}
