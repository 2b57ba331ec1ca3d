using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>Portable micro-kernel for CPUs without AVX2: a 4×4 tile of C in scalar registers.</summary>
/// <remarks>
/// 16 scalar accumulators plus 4 B values and one A value fit the 16 SSE/NEON-class registers of
/// any 64-bit target. Products and sums are separate operations (not fused) so the results are
/// the same on CPUs without FMA, where <see cref="MathF.FusedMultiplyAdd"/> would be emulated.
/// Blocking is modest: a 16 KB B micro-panel in L1, a 128 KB A block in L2.
/// </remarks>
internal readonly unsafe struct GemmMicroKernelScalar : IGemmMicroKernel
{
    public static GemmPath Path => GemmPath.Scalar;

    public static bool IsSupported => true;

    public static int Mr => 4;

    public static int Nr => 4;

    public static int Kc => 256;

    public static int Mc => 128;

    public static int Nc => 1024;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate)
    {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        float c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        float c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (nint p = 0; p < kc; p++)
        {
            float b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3];
            float a0 = a[0];
            float a1 = a[1];
            float a2 = a[2];
            float a3 = a[3];
            c00 += a0 * b0;
            c01 += a0 * b1;
            c02 += a0 * b2;
            c03 += a0 * b3;
            c10 += a1 * b0;
            c11 += a1 * b1;
            c12 += a1 * b2;
            c13 += a1 * b3;
            c20 += a2 * b0;
            c21 += a2 * b1;
            c22 += a2 * b2;
            c23 += a2 * b3;
            c30 += a3 * b0;
            c31 += a3 * b1;
            c32 += a3 * b2;
            c33 += a3 * b3;
            a += aStride;
            b += bStride;
        }

        Update(c + 0 * ldc, c00, c01, c02, c03, accumulate);
        Update(c + 1 * ldc, c10, c11, c12, c13, accumulate);
        Update(c + 2 * ldc, c20, c21, c22, c23, accumulate);
        Update(c + 3 * ldc, c30, c31, c32, c33, accumulate);
    }

    public static void RunEdge(nint kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, bool accumulate, int mr, int nr) =>
        GemmEdgeTile.Run<GemmMicroKernelScalar>(kc, a, aStride, b, bStride, c, ldc, accumulate, mr, nr);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, float v0, float v1, float v2, float v3, bool accumulate)
    {
        if (accumulate)
        {
            v0 += c[0];
            v1 += c[1];
            v2 += c[2];
            v3 += c[3];
        }

        c[0] = v0;
        c[1] = v1;
        c[2] = v2;
        c[3] = v3;
    }
}
