using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>AVX2 + FMA micro-kernel: a 6×16 tile of C held in 12 ymm accumulators.</summary>
/// <remarks>
/// <para>
/// Register budget (16 ymm): 12 accumulators (6 rows × 2 vectors of 8 columns), 2 for the B row of
/// the current k step and 1 for the broadcast A value. This is the classic Haswell-to-Zen shape:
/// 12 independent FMA chains cover two FMA pipes of latency 4-5, and each k step needs only 2
/// vector loads and 6 broadcasts for 12 FMAs.
/// </para>
/// <para>
/// Blocking: the B micro-panel (Kc × 16 floats = 16 KB) stays in a 32-48 KB L1 while A micro-panels
/// (6 KB) stream past it from the A block (Mc × Kc floats = 192 KB), sized for the 256 KB-1 MB L2
/// of AVX2-only CPUs. The B panel (Kc × Nc floats = 4 MB) lives in L3.
/// </para>
/// </remarks>
internal readonly unsafe struct GemmMicroKernelAvx2 : IGemmMicroKernel
{
    public static GemmPath Path => GemmPath.Avx2;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    public static int Mr => 6;

    public static int Nr => 16;

    public static int Kc => 256;

    public static int Mc => 192;

    public static int Nc => 4096;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate)
    {
        // As in the AVX-512 kernel: fetch the C tile (evicted since the previous k block) while the FMAs run.
        for (nint r = 0; r < 6; r++)
        {
            Sse.Prefetch0(c + (r * ldc));
            Sse.Prefetch0(c + (r * ldc) + 15);
        }

        Vector256<float> c0l = default, c0h = default;
        Vector256<float> c1l = default, c1h = default;
        Vector256<float> c2l = default, c2h = default;
        Vector256<float> c3l = default, c3h = default;
        Vector256<float> c4l = default, c4h = default;
        Vector256<float> c5l = default, c5h = default;
        Vector256<float> ai;
        for (nint p = 0; p < kc; p++)
        {
            Vector256<float> bl = Vector256.Load(b);
            Vector256<float> bh = Vector256.Load(b + 8);
            ai = Vector256.Create(a[0]);
            c0l = Fma.MultiplyAdd(bl, ai, c0l);
            c0h = Fma.MultiplyAdd(bh, ai, c0h);
            ai = Vector256.Create(a[1]);
            c1l = Fma.MultiplyAdd(bl, ai, c1l);
            c1h = Fma.MultiplyAdd(bh, ai, c1h);
            ai = Vector256.Create(a[2]);
            c2l = Fma.MultiplyAdd(bl, ai, c2l);
            c2h = Fma.MultiplyAdd(bh, ai, c2h);
            ai = Vector256.Create(a[3]);
            c3l = Fma.MultiplyAdd(bl, ai, c3l);
            c3h = Fma.MultiplyAdd(bh, ai, c3h);
            ai = Vector256.Create(a[4]);
            c4l = Fma.MultiplyAdd(bl, ai, c4l);
            c4h = Fma.MultiplyAdd(bh, ai, c4h);
            ai = Vector256.Create(a[5]);
            c5l = Fma.MultiplyAdd(bl, ai, c5l);
            c5h = Fma.MultiplyAdd(bh, ai, c5h);
            a += aStride;
            b += bStride;
        }

        Update(c + 0 * ldc, c0l, c0h, accumulate);
        Update(c + 1 * ldc, c1l, c1h, accumulate);
        Update(c + 2 * ldc, c2l, c2h, accumulate);
        Update(c + 3 * ldc, c3l, c3h, accumulate);
        Update(c + 4 * ldc, c4l, c4h, accumulate);
        Update(c + 5 * ldc, c5l, c5h, accumulate);
    }

    public static void RunEdge(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate, int mr, int nr) =>
        GemmEdgeTile.Run<GemmMicroKernelAvx2>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> low, Vector256<float> high, bool accumulate)
    {
        if (accumulate)
        {
            low += Vector256.Load(c);
            high += Vector256.Load(c + 8);
        }

        low.Store(c);
        high.Store(c + 8);
    }
}
