using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>Copies blocks of op(A) and op(B) into the micro-panel layout the GEMM micro-kernels read.</summary>
/// <remarks>
/// <para>
/// A block of op(A) (rows [i0, i0+mc), depth [p0, p0+kc)) becomes ⌈mc / Mr⌉ micro-panels of
/// kc × Mr floats: for each k step, Mr consecutive row values. A block of op(B) becomes ⌈nc / Nr⌉
/// micro-panels of kc × Nr floats: for each k step, Nr consecutive column values. The last panel
/// is padded with zeros, so the micro-kernel always runs full tiles.
/// </para>
/// <para>
/// Transposes are absorbed here. Depending on the storage of the operand a panel is either
/// "rows" (each k step is already contiguous in memory: A stored transposed, B stored as is) or
/// "columns" (each of the Mr or Nr lines is contiguous along k: A as is, B transposed) and then
/// needs a transpose, done 16×16 (AVX-512) or 8×8 (AVX2) in registers.
/// </para>
/// <para>
/// Vector stores of 12- and 6-wide panels write a full vector and let the next k step overwrite
/// the excess, so every packed block must be followed by <see cref="Slack"/> writable floats.
/// </para>
/// </remarks>
internal static unsafe class GemmPacking
{
    /// <summary>Floats after a packed block that the overlapping vector stores may write.</summary>
    public const int Slack = 16;

    /// <summary>Packs rows [i0, i0+mc) × depth [p0, p0+kc) of op(A) into Mr-row micro-panels at <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA<TK>(in GemmOperands g, int i0, int mc, int p0, int kc, float* dst)
        where TK : struct, IGemmMicroKernel
    {
        for (int i = 0; i < mc; i += TK.Mr, dst += (nint)TK.Mr * kc)
        {
            int rows = Math.Min(TK.Mr, mc - i);
            if (g.TransposeA)
                PackRows<TK>(g.A + p0 * g.Lda + i0 + i, g.Lda, rows, TK.Mr, kc, dst);
            else
                PackColumns<TK>(g.A + (i0 + i) * g.Lda + p0, g.Lda, rows, TK.Mr, kc, dst);
        }
    }

    /// <summary>Packs depth [p0, p0+kc) × columns [j0, j0+nc) of op(B) into Nr-column micro-panels at <paramref name="dst"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB<TK>(in GemmOperands g, int p0, int kc, int j0, int nc, float* dst)
        where TK : struct, IGemmMicroKernel
    {
        for (int j = 0; j < nc; j += TK.Nr, dst += (nint)TK.Nr * kc)
        {
            int cols = Math.Min(TK.Nr, nc - j);
            if (g.TransposeB)
                PackColumns<TK>(g.B + (j0 + j) * g.Ldb + p0, g.Ldb, cols, TK.Nr, kc, dst);
            else
                PackRows<TK>(g.B + p0 * g.Ldb + j0 + j, g.Ldb, cols, TK.Nr, kc, dst);
        }
    }

    // dst[p*width + r] = src[p*stride + r] for r < count, and 0 for count <= r < width.
    private static void PackRows<TK>(float* src, nint stride, int count, int width, int kc, float* dst)
        where TK : struct, IGemmMicroKernel
    {
        if (TK.Path == GemmPath.Avx512)
            PackRowsAvx512(src, stride, count, width, kc, dst);
        else if (TK.Path == GemmPath.Avx2)
            PackRowsAvx2(src, stride, count, width, kc, dst);
        else
            PackRowsScalar(src, stride, count, width, kc, dst);
    }

    // dst[p*width + r] = src[r*stride + p] for r < count, and 0 for count <= r < width.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackColumns<TK>(float* src, nint stride, int count, int width, int kc, float* dst)
        where TK : struct, IGemmMicroKernel
    {
        int p = 0;
        if (TK.Path == GemmPath.Avx512)
        {
            for (; p <= kc - 16; p += 16)
            {
                for (int q = 0; q < width; q += 16)
                    GemmTranspose.Transpose16x16(src + q * stride + p, stride, Math.Clamp(count - q, 0, 16), dst + p * width + q, width);
            }
        }
        else if (TK.Path == GemmPath.Avx2)
        {
            for (; p <= kc - 8; p += 8)
            {
                for (int q = 0; q < width; q += 8)
                    GemmTranspose.Transpose8x8(src + q * stride + p, stride, Math.Clamp(count - q, 0, 8), dst + p * width + q, width);
            }
        }

        if (p < kc)
            PackColumnsScalar(src + p, stride, count, width, kc - p, dst + p * width);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRowsAvx512(float* src, nint stride, int count, int width, int kc, float* dst)
    {
        if (count == 32 && width == 32)
        {
            for (int p = 0; p < kc; p++, src += stride, dst += 32)
            {
                Vector512.Load(src).Store(dst);
                Vector512.Load(src + 16).Store(dst + 16);
            }

            return;
        }

        // Masked loads never touch memory past 'count', so the last row of the matrix is safe.
        for (int q = 0; q < width; q += 16)
        {
            Vector512<float> mask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(count - q)).AsSingle();
            float* s = src + q, d = dst + q;
            for (int p = 0; p < kc; p++, s += stride, d += width)
                Avx512F.MaskLoad(s, mask, Vector512<float>.Zero).Store(d);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRowsAvx2(float* src, nint stride, int count, int width, int kc, float* dst)
    {
        if (count == 16 && width == 16)
        {
            for (int p = 0; p < kc; p++, src += stride, dst += 16)
            {
                Vector256.Load(src).Store(dst);
                Vector256.Load(src + 8).Store(dst + 8);
            }

            return;
        }

        for (int q = 0; q < width; q += 8)
        {
            Vector256<float> mask = Vector256.LessThan(Vector256<int>.Indices, Vector256.Create(count - q)).AsSingle();
            float* s = src + q, d = dst + q;
            for (int p = 0; p < kc; p++, s += stride, d += width)
                Avx.MaskLoad(s, mask).Store(d);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackRowsScalar(float* src, nint stride, int count, int width, int kc, float* dst)
    {
        for (int p = 0; p < kc; p++, src += stride, dst += width)
        {
            int r = 0;
            for (; r < count; r++)
                dst[r] = src[r];
            for (; r < width; r++)
                dst[r] = 0;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void PackColumnsScalar(float* src, nint stride, int count, int width, int kc, float* dst)
    {
        for (int r = 0; r < width; r++, src += stride)
        {
            float* d = dst + r;
            if (r < count)
            {
                for (int p = 0; p < kc; p++, d += width)
                    *d = src[p];
            }
            else
            {
                for (int p = 0; p < kc; p++, d += width)
                    *d = 0;
            }
        }
    }
}
