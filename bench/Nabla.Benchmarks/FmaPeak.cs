using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Nabla.Kernels.Parallel;

namespace Nabla.Benchmarks;

/// <summary>Register-only FMA loops: the arithmetic peak of the CPU, the ceiling for GEMM.</summary>
/// <remarks>
/// 16 (AVX-512, 32 zmm registers) or 14 (AVX2, 16 ymm registers less the two constants)
/// independent accumulator chains per core: more than the 8-10 needed to cover two FMA pipes
/// with a latency of 4-5 cycles, and nothing loaded or stored in the loop. Each chain computes
/// x = x·0.9999999 + 1e-7, which converges to 1, so no value overflows or goes subnormal.
/// </remarks>
internal static class FmaPeak
{
    /// <summary>Floating-point operations per iteration of <see cref="Avx512Loop"/> (16 chains × 16 lanes × 2).</summary>
    public const int Avx512FlopsPerIteration = 16 * 16 * 2;

    /// <summary>Floating-point operations per iteration of <see cref="Avx2Loop"/> (14 chains × 8 lanes × 2).</summary>
    public const int Avx2FlopsPerIteration = 14 * 8 * 2;

    /// <summary>Runs <paramref name="iterations"/> iterations of the AVX-512 loop on each of <paramref name="threads"/> threads at once.</summary>
    public static float RunAvx512(long iterations, int threads) => Run(iterations, threads, avx512: true);

    /// <summary>Runs <paramref name="iterations"/> iterations of the AVX2 loop on each of <paramref name="threads"/> threads at once.</summary>
    public static float RunAvx2(long iterations, int threads) => Run(iterations, threads, avx512: false);

    /// <summary>
    /// The best rate in GFLOP/s over <paramref name="runs"/> timed runs of <paramref name="iterations"/> iterations on each
    /// of <paramref name="threads"/> threads: the AVX-512 loop when <paramref name="avx512"/>, else the AVX2 one.
    /// </summary>
    /// <remarks>The best run, not the mean: other processes share the cores, and only they make a run slower.</remarks>
    public static double MeasureGflops(int threads, bool avx512, int runs, long iterations = 20_000_000)
    {
        double flopsPerRun = (double)iterations * threads * (avx512 ? Avx512FlopsPerIteration : Avx2FlopsPerIteration);
        double best = 0;
        for (int run = 0; run < runs; run++)
        {
            long start = Stopwatch.GetTimestamp();
            Run(iterations, threads, avx512);
            best = Math.Max(best, flopsPerRun / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9);
        }

        return best;
    }

    private static float Run(long iterations, int threads, bool avx512)
    {
        var job = new PeakJob(iterations, avx512);
        ParallelRunner.For(threads, ref job);
        return job.Result;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Avx512Loop(long iterations)
    {
        Vector512<float> m = Vector512.Create(0.9999999f), add = Vector512.Create(1e-7f);
        Vector512<float> x0 = Vector512.Create(0.1f), x1 = Vector512.Create(0.2f), x2 = Vector512.Create(0.3f), x3 = Vector512.Create(0.4f);
        Vector512<float> x4 = Vector512.Create(0.5f), x5 = Vector512.Create(0.6f), x6 = Vector512.Create(0.7f), x7 = Vector512.Create(0.8f);
        Vector512<float> x8 = Vector512.Create(0.9f), x9 = Vector512.Create(1.1f), x10 = Vector512.Create(1.2f), x11 = Vector512.Create(1.3f);
        Vector512<float> x12 = Vector512.Create(1.4f), x13 = Vector512.Create(1.5f), x14 = Vector512.Create(1.6f), x15 = Vector512.Create(1.7f);
        for (long i = 0; i < iterations; i++)
        {
            x0 = Avx512F.FusedMultiplyAdd(x0, m, add);
            x1 = Avx512F.FusedMultiplyAdd(x1, m, add);
            x2 = Avx512F.FusedMultiplyAdd(x2, m, add);
            x3 = Avx512F.FusedMultiplyAdd(x3, m, add);
            x4 = Avx512F.FusedMultiplyAdd(x4, m, add);
            x5 = Avx512F.FusedMultiplyAdd(x5, m, add);
            x6 = Avx512F.FusedMultiplyAdd(x6, m, add);
            x7 = Avx512F.FusedMultiplyAdd(x7, m, add);
            x8 = Avx512F.FusedMultiplyAdd(x8, m, add);
            x9 = Avx512F.FusedMultiplyAdd(x9, m, add);
            x10 = Avx512F.FusedMultiplyAdd(x10, m, add);
            x11 = Avx512F.FusedMultiplyAdd(x11, m, add);
            x12 = Avx512F.FusedMultiplyAdd(x12, m, add);
            x13 = Avx512F.FusedMultiplyAdd(x13, m, add);
            x14 = Avx512F.FusedMultiplyAdd(x14, m, add);
            x15 = Avx512F.FusedMultiplyAdd(x15, m, add);
        }

        Vector512<float> sum = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7)) + ((x8 + x9) + (x10 + x11)) + ((x12 + x13) + (x14 + x15));
        return Vector512.Sum(sum);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Avx2Loop(long iterations)
    {
        Vector256<float> m = Vector256.Create(0.9999999f), add = Vector256.Create(1e-7f);
        Vector256<float> x0 = Vector256.Create(0.1f), x1 = Vector256.Create(0.2f), x2 = Vector256.Create(0.3f), x3 = Vector256.Create(0.4f);
        Vector256<float> x4 = Vector256.Create(0.5f), x5 = Vector256.Create(0.6f), x6 = Vector256.Create(0.7f), x7 = Vector256.Create(0.8f);
        Vector256<float> x8 = Vector256.Create(0.9f), x9 = Vector256.Create(1.1f), x10 = Vector256.Create(1.2f), x11 = Vector256.Create(1.3f);
        Vector256<float> x12 = Vector256.Create(1.4f), x13 = Vector256.Create(1.5f);
        for (long i = 0; i < iterations; i++)
        {
            x0 = Fma.MultiplyAdd(x0, m, add);
            x1 = Fma.MultiplyAdd(x1, m, add);
            x2 = Fma.MultiplyAdd(x2, m, add);
            x3 = Fma.MultiplyAdd(x3, m, add);
            x4 = Fma.MultiplyAdd(x4, m, add);
            x5 = Fma.MultiplyAdd(x5, m, add);
            x6 = Fma.MultiplyAdd(x6, m, add);
            x7 = Fma.MultiplyAdd(x7, m, add);
            x8 = Fma.MultiplyAdd(x8, m, add);
            x9 = Fma.MultiplyAdd(x9, m, add);
            x10 = Fma.MultiplyAdd(x10, m, add);
            x11 = Fma.MultiplyAdd(x11, m, add);
            x12 = Fma.MultiplyAdd(x12, m, add);
            x13 = Fma.MultiplyAdd(x13, m, add);
        }

        Vector256<float> sum = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7)) + ((x8 + x9) + (x10 + x11)) + (x12 + x13);
        return Vector256.Sum(sum);
    }

    private struct PeakJob(long iterations, bool avx512) : IParallelJob
    {
        private float _result;

        public readonly float Result => _result;

        public void Execute(int index)
        {
            float r = avx512 ? Avx512Loop(iterations) : Avx2Loop(iterations);
            float seen;
            do
            {
                seen = _result;
            }
            while (Interlocked.CompareExchange(ref _result, seen + r, seen) != seen);
        }
    }
}
