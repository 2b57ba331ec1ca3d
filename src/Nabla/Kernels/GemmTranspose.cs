using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>In-register transposes used by <see cref="GemmPacking"/> to pack operands stored along k.</summary>
/// <remarks>
/// Both read <c>rows</c> lines of a square block from <c>src</c> (line i at <c>src + i·stride</c>),
/// treat missing lines as zeros, and write column j of the block, a full vector, to
/// <c>dst + j·dstStride</c> in increasing j, which is what lets 12- and 6-wide panels be written
/// with overlapping full-vector stores. The 16×16 version costs 64 shuffles for 256 floats; a
/// scalar transpose would do 256 separate strided stores.
/// </remarks>
internal static unsafe class GemmTranspose
{
    /// <summary>Transposes a 16×16 block with AVX-512F.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose16x16(float* src, nint stride, int rows, float* dst, nint dstStride)
    {
        Vector512<float> r0 = Row16(src, stride, rows, 0), r1 = Row16(src, stride, rows, 1), r2 = Row16(src, stride, rows, 2), r3 = Row16(src, stride, rows, 3);
        Vector512<float> r4 = Row16(src, stride, rows, 4), r5 = Row16(src, stride, rows, 5), r6 = Row16(src, stride, rows, 6), r7 = Row16(src, stride, rows, 7);
        Vector512<float> r8 = Row16(src, stride, rows, 8), r9 = Row16(src, stride, rows, 9), r10 = Row16(src, stride, rows, 10), r11 = Row16(src, stride, rows, 11);
        Vector512<float> r12 = Row16(src, stride, rows, 12), r13 = Row16(src, stride, rows, 13), r14 = Row16(src, stride, rows, 14), r15 = Row16(src, stride, rows, 15);

        // Interleave pairs of rows: t(2j), t(2j+1) hold r(2j), r(2j+1) element by element.
        Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
        Vector512<float> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
        Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5);
        Vector512<float> t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
        Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9);
        Vector512<float> t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
        Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13);
        Vector512<float> t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);

        // Pairs of pairs: r(4g+j) now holds columns j, j+4, j+8, j+12 of rows 4g .. 4g+3, one per 128-bit lane.
        r0 = Lo64(t0, t2);
        r1 = Hi64(t0, t2);
        r2 = Lo64(t1, t3);
        r3 = Hi64(t1, t3);
        r4 = Lo64(t4, t6);
        r5 = Hi64(t4, t6);
        r6 = Lo64(t5, t7);
        r7 = Hi64(t5, t7);
        r8 = Lo64(t8, t10);
        r9 = Hi64(t8, t10);
        r10 = Lo64(t9, t11);
        r11 = Hi64(t9, t11);
        r12 = Lo64(t12, t14);
        r13 = Hi64(t12, t14);
        r14 = Lo64(t13, t15);
        r15 = Hi64(t13, t15);

        // Gather 128-bit lanes: t(j) holds columns j and j+8 of rows 0-7, t(8+j) the same for rows 8-15.
        t0 = Avx512F.Shuffle4x128(r0, r4, 0x88);
        t4 = Avx512F.Shuffle4x128(r0, r4, 0xDD);
        t1 = Avx512F.Shuffle4x128(r1, r5, 0x88);
        t5 = Avx512F.Shuffle4x128(r1, r5, 0xDD);
        t2 = Avx512F.Shuffle4x128(r2, r6, 0x88);
        t6 = Avx512F.Shuffle4x128(r2, r6, 0xDD);
        t3 = Avx512F.Shuffle4x128(r3, r7, 0x88);
        t7 = Avx512F.Shuffle4x128(r3, r7, 0xDD);
        t8 = Avx512F.Shuffle4x128(r8, r12, 0x88);
        t12 = Avx512F.Shuffle4x128(r8, r12, 0xDD);
        t9 = Avx512F.Shuffle4x128(r9, r13, 0x88);
        t13 = Avx512F.Shuffle4x128(r9, r13, 0xDD);
        t10 = Avx512F.Shuffle4x128(r10, r14, 0x88);
        t14 = Avx512F.Shuffle4x128(r10, r14, 0xDD);
        t11 = Avx512F.Shuffle4x128(r11, r15, 0x88);
        t15 = Avx512F.Shuffle4x128(r11, r15, 0xDD);

        // Final lane gather gives whole columns: column j and j+8 from t(j) and t(j+8).
        Avx512F.Shuffle4x128(t0, t8, 0x88).Store(dst + 0 * dstStride);
        Avx512F.Shuffle4x128(t1, t9, 0x88).Store(dst + 1 * dstStride);
        Avx512F.Shuffle4x128(t2, t10, 0x88).Store(dst + 2 * dstStride);
        Avx512F.Shuffle4x128(t3, t11, 0x88).Store(dst + 3 * dstStride);
        Avx512F.Shuffle4x128(t4, t12, 0x88).Store(dst + 4 * dstStride);
        Avx512F.Shuffle4x128(t5, t13, 0x88).Store(dst + 5 * dstStride);
        Avx512F.Shuffle4x128(t6, t14, 0x88).Store(dst + 6 * dstStride);
        Avx512F.Shuffle4x128(t7, t15, 0x88).Store(dst + 7 * dstStride);
        Avx512F.Shuffle4x128(t0, t8, 0xDD).Store(dst + 8 * dstStride);
        Avx512F.Shuffle4x128(t1, t9, 0xDD).Store(dst + 9 * dstStride);
        Avx512F.Shuffle4x128(t2, t10, 0xDD).Store(dst + 10 * dstStride);
        Avx512F.Shuffle4x128(t3, t11, 0xDD).Store(dst + 11 * dstStride);
        Avx512F.Shuffle4x128(t4, t12, 0xDD).Store(dst + 12 * dstStride);
        Avx512F.Shuffle4x128(t5, t13, 0xDD).Store(dst + 13 * dstStride);
        Avx512F.Shuffle4x128(t6, t14, 0xDD).Store(dst + 14 * dstStride);
        Avx512F.Shuffle4x128(t7, t15, 0xDD).Store(dst + 15 * dstStride);
    }

    /// <summary>Transposes an 8×8 block with AVX.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose8x8(float* src, nint stride, int rows, float* dst, nint dstStride)
    {
        Vector256<float> r0 = Row8(src, stride, rows, 0), r1 = Row8(src, stride, rows, 1), r2 = Row8(src, stride, rows, 2), r3 = Row8(src, stride, rows, 3);
        Vector256<float> r4 = Row8(src, stride, rows, 4), r5 = Row8(src, stride, rows, 5), r6 = Row8(src, stride, rows, 6), r7 = Row8(src, stride, rows, 7);

        // Interleave pairs of rows.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);

        // r(4g+j) now holds columns j and j+4 of rows 4g .. 4g+3, one per 128-bit lane.
        r0 = Avx.Shuffle(t0, t2, 0x44);
        r1 = Avx.Shuffle(t0, t2, 0xEE);
        r2 = Avx.Shuffle(t1, t3, 0x44);
        r3 = Avx.Shuffle(t1, t3, 0xEE);
        r4 = Avx.Shuffle(t4, t6, 0x44);
        r5 = Avx.Shuffle(t4, t6, 0xEE);
        r6 = Avx.Shuffle(t5, t7, 0x44);
        r7 = Avx.Shuffle(t5, t7, 0xEE);

        // Join the 128-bit halves of rows 0-3 and 4-7.
        Avx.Permute2x128(r0, r4, 0x20).Store(dst + 0 * dstStride);
        Avx.Permute2x128(r1, r5, 0x20).Store(dst + 1 * dstStride);
        Avx.Permute2x128(r2, r6, 0x20).Store(dst + 2 * dstStride);
        Avx.Permute2x128(r3, r7, 0x20).Store(dst + 3 * dstStride);
        Avx.Permute2x128(r0, r4, 0x31).Store(dst + 4 * dstStride);
        Avx.Permute2x128(r1, r5, 0x31).Store(dst + 5 * dstStride);
        Avx.Permute2x128(r2, r6, 0x31).Store(dst + 6 * dstStride);
        Avx.Permute2x128(r3, r7, 0x31).Store(dst + 7 * dstStride);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Row16(float* src, nint stride, int rows, int i) =>
        i < rows ? Vector512.Load(src + i * stride) : Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Row8(float* src, nint stride, int rows, int i) =>
        i < rows ? Vector256.Load(src + i * stride) : Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Lo64(Vector512<float> x, Vector512<float> y) =>
        Avx512F.UnpackLow(x.AsDouble(), y.AsDouble()).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Hi64(Vector512<float> x, Vector512<float> y) =>
        Avx512F.UnpackHigh(x.AsDouble(), y.AsDouble()).AsSingle();
}
