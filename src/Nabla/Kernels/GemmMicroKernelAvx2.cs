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
/// Blocking: the B micro-panel (Kc × 16 floats = 32 KB) is reused from L1 while A micro-panels
/// (12 KB) stream past it from the A block (Mc × Kc floats = 192 KB), sized for the 256 KB-1 MB L2
/// of AVX2-only CPUs. The B panel (Kc × Nc floats = 8 MB) lives in L3. Kc = 512 halves the passes
/// over C that Kc = 256 made: on a 2-core Zen 3 SGEMM 2048 went from 179-181 to 185-186 GFLOP/s on
/// two threads (87-88% to 90-91% of the FMA peak) and from 92 to 94-96 on one (Kc = 384 with
/// Mc = 120 gave 185.5), and W4 at batch 256 from 0.274 to 0.265 s an epoch; the convolutions'
/// passes did not move (67-68% of the peak).
/// </para>
/// <para>
/// Edge tiles run a copy of the loop specialised for 2, 4 or 6 rows and 8 or 16 columns, and a
/// single row (one sample, as in Predict on one image or a batch-1 step) runs a vector-matrix loop
/// with four k steps in flight, 2 FMAs per k step instead of the full tile's 12. They store through
/// vmaskmovps straight into C.
/// </para>
/// </remarks>
internal readonly unsafe struct GemmMicroKernelAvx2 : IGemmMicroKernel
{
    public static GemmPath Path => GemmPath.Avx2;

    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    public static int Mr => 6;

    public static int Nr => 16;

    public static int Kc => 512;

    public static int Mc => 96;

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

    public static void RunEdge(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate, int mr, int nr)
    {
        if (nr <= 8)
        {
            if (mr == 1)
                EdgeRow<GemmExtent8>(kc, a, aStride, b, bStride, c, accumulate, nr);
            else if (mr <= 2)
                Edge<GemmExtent2, GemmExtent8>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
            else if (mr <= 4)
                Edge<GemmExtent4, GemmExtent8>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
            else
                Edge<GemmExtent6, GemmExtent8>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
        }
        else
        {
            if (mr == 1)
                EdgeRow<GemmExtent16>(kc, a, aStride, b, bStride, c, accumulate, nr);
            else if (mr <= 2)
                Edge<GemmExtent2, GemmExtent16>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
            else if (mr <= 4)
                Edge<GemmExtent4, GemmExtent16>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
            else
                Edge<GemmExtent6, GemmExtent16>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
        }
    }

    // One row of C (a vector-matrix product): the 6-row loop would spend 12 FMAs per k step on 2
    // useful ones, and 2 accumulators alone would wait on the FMA latency (4 cycles) every step. Four
    // k steps in flight, each with its own accumulators, keep both FMA pipes busy; they are summed
    // at the end.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EdgeRow<TCols>(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, bool accumulate, int nr)
        where TCols : struct, IGemmExtent
    {
        Vector256<float> s0l = default, s0h = default, s1l = default, s1h = default;
        Vector256<float> s2l = default, s2h = default, s3l = default, s3h = default;
        nint p = 0;
        for (; p <= kc - 4; p += 4)
        {
            Vector256<float> a0 = Vector256.Create(a[0]), a1 = Vector256.Create(a[aStride]);
            Vector256<float> a2 = Vector256.Create(a[2 * aStride]), a3 = Vector256.Create(a[3 * aStride]);
            s0l = Fma.MultiplyAdd(Vector256.Load(b), a0, s0l);
            s1l = Fma.MultiplyAdd(Vector256.Load(b + bStride), a1, s1l);
            s2l = Fma.MultiplyAdd(Vector256.Load(b + (2 * bStride)), a2, s2l);
            s3l = Fma.MultiplyAdd(Vector256.Load(b + (3 * bStride)), a3, s3l);
            if (TCols.Value > 8)
            {
                s0h = Fma.MultiplyAdd(Vector256.Load(b + 8), a0, s0h);
                s1h = Fma.MultiplyAdd(Vector256.Load(b + bStride + 8), a1, s1h);
                s2h = Fma.MultiplyAdd(Vector256.Load(b + (2 * bStride) + 8), a2, s2h);
                s3h = Fma.MultiplyAdd(Vector256.Load(b + (3 * bStride) + 8), a3, s3h);
            }

            a += 4 * aStride;
            b += 4 * bStride;
        }

        for (; p < kc; p++)
        {
            Vector256<float> ai = Vector256.Create(a[0]);
            s0l = Fma.MultiplyAdd(Vector256.Load(b), ai, s0l);
            if (TCols.Value > 8)
                s0h = Fma.MultiplyAdd(Vector256.Load(b + 8), ai, s0h);
            a += aStride;
            b += bStride;
        }

        Vector256<float> low = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(nr)).AsSingle();
        Vector256<float> high = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(nr - 8)).AsSingle();
        UpdateMasked<TCols>(c, (s0l + s1l) + (s2l + s3l), (s0h + s1h) + (s2h + s3h), low, high, accumulate);
    }

    // The full kernel's loop with rows beyond TRows and the upper 8 columns (when TCols is 8)
    // removed at JIT time; rows and columns beyond mr × nr are computed but never stored.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Edge<TRows, TCols>(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate, int mr, int nr)
        where TRows : struct, IGemmExtent
        where TCols : struct, IGemmExtent
    {
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
            Vector256<float> bh = TCols.Value > 8 ? Vector256.Load(b + 8) : default;
            ai = Vector256.Create(a[0]);
            c0l = Fma.MultiplyAdd(bl, ai, c0l);
            if (TCols.Value > 8)
                c0h = Fma.MultiplyAdd(bh, ai, c0h);
            if (TRows.Value > 1)
            {
                ai = Vector256.Create(a[1]);
                c1l = Fma.MultiplyAdd(bl, ai, c1l);
                if (TCols.Value > 8)
                    c1h = Fma.MultiplyAdd(bh, ai, c1h);
            }

            if (TRows.Value > 2)
            {
                ai = Vector256.Create(a[2]);
                c2l = Fma.MultiplyAdd(bl, ai, c2l);
                if (TCols.Value > 8)
                    c2h = Fma.MultiplyAdd(bh, ai, c2h);
            }

            if (TRows.Value > 3)
            {
                ai = Vector256.Create(a[3]);
                c3l = Fma.MultiplyAdd(bl, ai, c3l);
                if (TCols.Value > 8)
                    c3h = Fma.MultiplyAdd(bh, ai, c3h);
            }

            if (TRows.Value > 4)
            {
                ai = Vector256.Create(a[4]);
                c4l = Fma.MultiplyAdd(bl, ai, c4l);
                if (TCols.Value > 8)
                    c4h = Fma.MultiplyAdd(bh, ai, c4h);
            }

            if (TRows.Value > 5)
            {
                ai = Vector256.Create(a[5]);
                c5l = Fma.MultiplyAdd(bl, ai, c5l);
                if (TCols.Value > 8)
                    c5h = Fma.MultiplyAdd(bh, ai, c5h);
            }
            a += aStride;
            b += bStride;
        }

        Vector256<float> low = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(nr)).AsSingle();
        Vector256<float> high = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(nr - 8)).AsSingle();
        UpdateMasked<TCols>(c + 0 * ldc, c0l, c0h, low, high, accumulate);
        if (mr > 1)
            UpdateMasked<TCols>(c + 1 * ldc, c1l, c1h, low, high, accumulate);
        if (TRows.Value > 2 && mr > 2)
            UpdateMasked<TCols>(c + 2 * ldc, c2l, c2h, low, high, accumulate);
        if (TRows.Value > 3 && mr > 3)
            UpdateMasked<TCols>(c + 3 * ldc, c3l, c3h, low, high, accumulate);
        if (TRows.Value > 4 && mr > 4)
            UpdateMasked<TCols>(c + 4 * ldc, c4l, c4h, low, high, accumulate);
        if (TRows.Value > 5 && mr > 5)
            UpdateMasked<TCols>(c + 5 * ldc, c5l, c5h, low, high, accumulate);
    }

    // C row (+)= the two vectors of a tile row; also the window kernels' store (WindowTileAvx2).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Update(float* c, Vector256<float> low, Vector256<float> high, bool accumulate)
    {
        if (accumulate)
        {
            low += Vector256.Load(c);
            high += Vector256.Load(c + 8);
        }

        low.Store(c);
        high.Store(c + 8);
    }

    // Masked loads and stores (vmaskmovps) touch only the columns below nr, so they never reach past C.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void UpdateMasked<TCols>(float* c, Vector256<float> low, Vector256<float> high,
        Vector256<float> lowMask, Vector256<float> highMask, bool accumulate)
        where TCols : struct, IGemmExtent
    {
        if (accumulate)
            low += Avx.MaskLoad(c, lowMask);
        Avx.MaskStore(c, lowMask, low);
        if (TCols.Value > 8)
        {
            if (accumulate)
                high += Avx.MaskLoad(c + 8, highMask);
            Avx.MaskStore(c + 8, highMask, high);
        }
    }
}
