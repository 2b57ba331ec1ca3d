using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>AVX-512F micro-kernel: a 12×32 tile of C held in 24 zmm accumulators.</summary>
/// <remarks>
/// <para>
/// Register budget (32 zmm): 24 accumulators (12 rows × 2 vectors of 16 columns), 2 for the B row
/// of the current k step and 1 for the broadcast A value, leaving 5 spare so the JIT never spills.
/// Each k step issues 2 vector loads, 12 broadcasts and 24 FMAs: Zen 5 retires two 512-bit FMAs
/// per cycle with a 4-cycle latency, so the 24 independent chains keep both pipes full (8 would
/// be the minimum) and the 14 loads per 12 cycles stay well under the two-loads-per-cycle limit.
/// </para>
/// <para>
/// Blocking for Zen 5 (48 KB L1d, 1 MB L2 per core, 64 B/cycle from L2 to L1) is deeper than the
/// textbook BLIS choice of an L1-resident micro-panel: Kc = 1024, so the A micro-panel (48 KB) and
/// the B micro-panel (128 KB) both stream from L2, which the kernel's 11 bytes per cycle leave far
/// from saturated (it still runs at 95% of peak). What the depth buys is C traffic: C is read and
/// written once per Kc steps of k, and for products whose C does not fit in cache that traffic
/// to L3 and DRAM is what limits two cores (2048³: 339 GFLOP/s with Kc = 256, 410 with 1024).
/// Mc = 96 keeps the A block (96 × Kc floats = 384 KB) in L2; Nc = 1024 puts the B panel (4 MB)
/// in L3 and bounds each thread's pack buffer.
/// </para>
/// <para>
/// Edge tiles run a copy of the loop specialised for 4, 8 or 12 rows and 16 or 32 columns, so a
/// 32-row product (a common batch size) costs 12 + 12 + 8 rows of FMAs rather than 36, and they
/// store through AVX-512 masks straight into C.
/// </para>
/// </remarks>
internal readonly unsafe struct GemmMicroKernelAvx512 : IGemmMicroKernel
{
    public static GemmPath Path => GemmPath.Avx512;

    public static bool IsSupported => Avx512F.IsSupported;

    public static int Mr => 12;

    public static int Nr => 32;

    public static int Kc => 1024;

    public static int Mc => 96;

    public static int Nc => 1024;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate)
    {
        // C is touched once per Kc block; for large products its rows were evicted since, and
        // waiting for them after the loop cost 8% at 2048². Ask for them now; they arrive while
        // the FMAs run.
        PrefetchTile(c, ldc);
        Vector512<float> c0l = default, c0h = default;
        Vector512<float> c1l = default, c1h = default;
        Vector512<float> c2l = default, c2h = default;
        Vector512<float> c3l = default, c3h = default;
        Vector512<float> c4l = default, c4h = default;
        Vector512<float> c5l = default, c5h = default;
        Vector512<float> c6l = default, c6h = default;
        Vector512<float> c7l = default, c7h = default;
        Vector512<float> c8l = default, c8h = default;
        Vector512<float> c9l = default, c9h = default;
        Vector512<float> c10l = default, c10h = default;
        Vector512<float> c11l = default, c11h = default;
        Vector512<float> ai;
        for (nint p = 0; p < kc; p++)
        {
            Vector512<float> bl = Vector512.Load(b);
            Vector512<float> bh = Vector512.Load(b + 16);
            ai = Vector512.Create(a[0]);
            c0l = Avx512F.FusedMultiplyAdd(bl, ai, c0l);
            c0h = Avx512F.FusedMultiplyAdd(bh, ai, c0h);
            ai = Vector512.Create(a[1]);
            c1l = Avx512F.FusedMultiplyAdd(bl, ai, c1l);
            c1h = Avx512F.FusedMultiplyAdd(bh, ai, c1h);
            ai = Vector512.Create(a[2]);
            c2l = Avx512F.FusedMultiplyAdd(bl, ai, c2l);
            c2h = Avx512F.FusedMultiplyAdd(bh, ai, c2h);
            ai = Vector512.Create(a[3]);
            c3l = Avx512F.FusedMultiplyAdd(bl, ai, c3l);
            c3h = Avx512F.FusedMultiplyAdd(bh, ai, c3h);
            ai = Vector512.Create(a[4]);
            c4l = Avx512F.FusedMultiplyAdd(bl, ai, c4l);
            c4h = Avx512F.FusedMultiplyAdd(bh, ai, c4h);
            ai = Vector512.Create(a[5]);
            c5l = Avx512F.FusedMultiplyAdd(bl, ai, c5l);
            c5h = Avx512F.FusedMultiplyAdd(bh, ai, c5h);
            ai = Vector512.Create(a[6]);
            c6l = Avx512F.FusedMultiplyAdd(bl, ai, c6l);
            c6h = Avx512F.FusedMultiplyAdd(bh, ai, c6h);
            ai = Vector512.Create(a[7]);
            c7l = Avx512F.FusedMultiplyAdd(bl, ai, c7l);
            c7h = Avx512F.FusedMultiplyAdd(bh, ai, c7h);
            ai = Vector512.Create(a[8]);
            c8l = Avx512F.FusedMultiplyAdd(bl, ai, c8l);
            c8h = Avx512F.FusedMultiplyAdd(bh, ai, c8h);
            ai = Vector512.Create(a[9]);
            c9l = Avx512F.FusedMultiplyAdd(bl, ai, c9l);
            c9h = Avx512F.FusedMultiplyAdd(bh, ai, c9h);
            ai = Vector512.Create(a[10]);
            c10l = Avx512F.FusedMultiplyAdd(bl, ai, c10l);
            c10h = Avx512F.FusedMultiplyAdd(bh, ai, c10h);
            ai = Vector512.Create(a[11]);
            c11l = Avx512F.FusedMultiplyAdd(bl, ai, c11l);
            c11h = Avx512F.FusedMultiplyAdd(bh, ai, c11h);
            a += aStride;
            b += bStride;
        }

        Update(c + 0 * ldc, c0l, c0h, accumulate);
        Update(c + 1 * ldc, c1l, c1h, accumulate);
        Update(c + 2 * ldc, c2l, c2h, accumulate);
        Update(c + 3 * ldc, c3l, c3h, accumulate);
        Update(c + 4 * ldc, c4l, c4h, accumulate);
        Update(c + 5 * ldc, c5l, c5h, accumulate);
        Update(c + 6 * ldc, c6l, c6h, accumulate);
        Update(c + 7 * ldc, c7l, c7h, accumulate);
        Update(c + 8 * ldc, c8l, c8h, accumulate);
        Update(c + 9 * ldc, c9l, c9h, accumulate);
        Update(c + 10 * ldc, c10l, c10h, accumulate);
        Update(c + 11 * ldc, c11l, c11h, accumulate);
    }

    public static void RunEdge(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate, int mr, int nr)
    {
        if (nr <= 16)
        {
            if (mr <= 4)
                Edge<GemmExtent4, GemmExtent16>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
            else if (mr <= 8)
                Edge<GemmExtent8, GemmExtent16>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
            else
                Edge<GemmExtent12, GemmExtent16>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
        }
        else
        {
            if (mr <= 4)
                Edge<GemmExtent4, GemmExtent32>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
            else if (mr <= 8)
                Edge<GemmExtent8, GemmExtent32>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
            else
                Edge<GemmExtent12, GemmExtent32>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);
        }
    }

    // The full kernel's loop with rows beyond TRows and the upper 16 columns (when TCols is 16)
    // removed at JIT time; rows and columns beyond mr × nr are computed but never stored.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Edge<TRows, TCols>(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate, int mr, int nr)
        where TRows : struct, IGemmExtent
        where TCols : struct, IGemmExtent
    {
        Vector512<float> c0l = default, c0h = default;
        Vector512<float> c1l = default, c1h = default;
        Vector512<float> c2l = default, c2h = default;
        Vector512<float> c3l = default, c3h = default;
        Vector512<float> c4l = default, c4h = default;
        Vector512<float> c5l = default, c5h = default;
        Vector512<float> c6l = default, c6h = default;
        Vector512<float> c7l = default, c7h = default;
        Vector512<float> c8l = default, c8h = default;
        Vector512<float> c9l = default, c9h = default;
        Vector512<float> c10l = default, c10h = default;
        Vector512<float> c11l = default, c11h = default;
        Vector512<float> ai;
        for (nint p = 0; p < kc; p++)
        {
            Vector512<float> bl = Vector512.Load(b);
            Vector512<float> bh = TCols.Value > 16 ? Vector512.Load(b + 16) : default;
            ai = Vector512.Create(a[0]);
            c0l = Avx512F.FusedMultiplyAdd(bl, ai, c0l);
            if (TCols.Value > 16)
                c0h = Avx512F.FusedMultiplyAdd(bh, ai, c0h);
            ai = Vector512.Create(a[1]);
            c1l = Avx512F.FusedMultiplyAdd(bl, ai, c1l);
            if (TCols.Value > 16)
                c1h = Avx512F.FusedMultiplyAdd(bh, ai, c1h);
            ai = Vector512.Create(a[2]);
            c2l = Avx512F.FusedMultiplyAdd(bl, ai, c2l);
            if (TCols.Value > 16)
                c2h = Avx512F.FusedMultiplyAdd(bh, ai, c2h);
            ai = Vector512.Create(a[3]);
            c3l = Avx512F.FusedMultiplyAdd(bl, ai, c3l);
            if (TCols.Value > 16)
                c3h = Avx512F.FusedMultiplyAdd(bh, ai, c3h);
            if (TRows.Value > 4)
            {
                ai = Vector512.Create(a[4]);
                c4l = Avx512F.FusedMultiplyAdd(bl, ai, c4l);
                if (TCols.Value > 16)
                    c4h = Avx512F.FusedMultiplyAdd(bh, ai, c4h);
                ai = Vector512.Create(a[5]);
                c5l = Avx512F.FusedMultiplyAdd(bl, ai, c5l);
                if (TCols.Value > 16)
                    c5h = Avx512F.FusedMultiplyAdd(bh, ai, c5h);
                ai = Vector512.Create(a[6]);
                c6l = Avx512F.FusedMultiplyAdd(bl, ai, c6l);
                if (TCols.Value > 16)
                    c6h = Avx512F.FusedMultiplyAdd(bh, ai, c6h);
                ai = Vector512.Create(a[7]);
                c7l = Avx512F.FusedMultiplyAdd(bl, ai, c7l);
                if (TCols.Value > 16)
                    c7h = Avx512F.FusedMultiplyAdd(bh, ai, c7h);
            }

            if (TRows.Value > 8)
            {
                ai = Vector512.Create(a[8]);
                c8l = Avx512F.FusedMultiplyAdd(bl, ai, c8l);
                if (TCols.Value > 16)
                    c8h = Avx512F.FusedMultiplyAdd(bh, ai, c8h);
                ai = Vector512.Create(a[9]);
                c9l = Avx512F.FusedMultiplyAdd(bl, ai, c9l);
                if (TCols.Value > 16)
                    c9h = Avx512F.FusedMultiplyAdd(bh, ai, c9h);
                ai = Vector512.Create(a[10]);
                c10l = Avx512F.FusedMultiplyAdd(bl, ai, c10l);
                if (TCols.Value > 16)
                    c10h = Avx512F.FusedMultiplyAdd(bh, ai, c10h);
                ai = Vector512.Create(a[11]);
                c11l = Avx512F.FusedMultiplyAdd(bl, ai, c11l);
                if (TCols.Value > 16)
                    c11h = Avx512F.FusedMultiplyAdd(bh, ai, c11h);
            }

            a += aStride;
            b += bStride;
        }

        Vector512<float> low = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(nr)).AsSingle();
        Vector512<float> high = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(nr - 16)).AsSingle();
        UpdateMasked<TCols>(c, c0l, c0h, low, high, accumulate);
        if (mr > 1)
            UpdateMasked<TCols>(c + 1 * ldc, c1l, c1h, low, high, accumulate);
        if (mr > 2)
            UpdateMasked<TCols>(c + 2 * ldc, c2l, c2h, low, high, accumulate);
        if (mr > 3)
            UpdateMasked<TCols>(c + 3 * ldc, c3l, c3h, low, high, accumulate);
        if (TRows.Value > 4 && mr > 4)
            UpdateMasked<TCols>(c + 4 * ldc, c4l, c4h, low, high, accumulate);
        if (TRows.Value > 5 && mr > 5)
            UpdateMasked<TCols>(c + 5 * ldc, c5l, c5h, low, high, accumulate);
        if (TRows.Value > 6 && mr > 6)
            UpdateMasked<TCols>(c + 6 * ldc, c6l, c6h, low, high, accumulate);
        if (TRows.Value > 7 && mr > 7)
            UpdateMasked<TCols>(c + 7 * ldc, c7l, c7h, low, high, accumulate);
        if (TRows.Value > 8 && mr > 8)
            UpdateMasked<TCols>(c + 8 * ldc, c8l, c8h, low, high, accumulate);
        if (TRows.Value > 9 && mr > 9)
            UpdateMasked<TCols>(c + 9 * ldc, c9l, c9h, low, high, accumulate);
        if (TRows.Value > 10 && mr > 10)
            UpdateMasked<TCols>(c + 10 * ldc, c10l, c10h, low, high, accumulate);
        if (TRows.Value > 11 && mr > 11)
            UpdateMasked<TCols>(c + 11 * ldc, c11l, c11h, low, high, accumulate);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchTile(float* c, nint ldc)
    {
        for (int r = 0; r < 12; r++, c += ldc)
        {
            Sse.Prefetch0(c);
            Sse.Prefetch0(c + 31);
        }
    }

    // C row (+)= the two vectors of a tile row; also the window kernel's store (WindowTileAvx512).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Update(float* c, Vector512<float> low, Vector512<float> high, bool accumulate)
    {
        if (accumulate)
        {
            low += Vector512.Load(c);
            high += Vector512.Load(c + 16);
        }

        low.Store(c);
        high.Store(c + 16);
    }

    // Masked loads and stores touch only the columns below nr, so they never reach past C.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void UpdateMasked<TCols>(float* c, Vector512<float> low, Vector512<float> high,
        Vector512<float> lowMask, Vector512<float> highMask, bool accumulate)
        where TCols : struct, IGemmExtent
    {
        if (accumulate)
            low += Avx512F.MaskLoad(c, lowMask, Vector512<float>.Zero);
        Avx512F.MaskStore(c, lowMask, low);
        if (TCols.Value > 16)
        {
            if (accumulate)
                high += Avx512F.MaskLoad(c + 16, highMask, Vector512<float>.Zero);
            Avx512F.MaskStore(c + 16, highMask, high);
        }
    }
}
