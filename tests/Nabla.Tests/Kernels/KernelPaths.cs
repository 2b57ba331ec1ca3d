using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>Forces the vector paths and thread counts of the convolution-family kernels, and restores the defaults.</summary>
/// <remarks>
/// A path pairs GEMM's micro-kernel (process-wide, so tests using this join the kernel-settings collection) with the
/// width of the other vector loops (per thread): AVX-512 with Vector512, AVX2 with Vector256, scalar with scalar.
/// With more than one thread every split threshold is 0, so even tiny cases are cut into parallel items.
/// </remarks>
internal static class KernelPaths
{
    /// <summary>Path names the CPU supports, widest first (test data passes names: the enums are internal).</summary>
    public static string[] Supported =>
        [.. new[] { nameof(GemmPath.Avx512), nameof(GemmPath.Avx2), nameof(GemmPath.Scalar) }.Where(p => Gemm.IsSupported(Enum.Parse<GemmPath>(p)))];

    /// <summary>Thread counts to test: 1 and every core.</summary>
    public static int[] Threads => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];

    /// <summary>Uses <paramref name="path"/> (a <see cref="GemmPath"/> name; Auto for the defaults) on <paramref name="threads"/> threads.</summary>
    public static void Use(string path, int threads)
    {
        GemmPath gemm = Enum.Parse<GemmPath>(path);
        Gemm.ForcedPath = gemm;
        Simd.Forced = gemm switch
        {
            GemmPath.Avx512 or GemmPath.Auto => SimdPath.Auto,
            GemmPath.Avx2 => SimdPath.Vector256,
            _ => SimdPath.Scalar,
        };
        Gemm.MaxThreads = threads;
        SpatialThreads.MaxThreads = threads;
        Gemm.MinFlopsPerThread = 0;
        SpatialThreads.MinFlopsPerThread = 0;
        SpatialThreads.MinElementsPerThread = 0;
    }

    /// <summary>Restores every default: automatic paths and algorithm, all cores, default thresholds.</summary>
    public static void Reset()
    {
        Gemm.ForcedPath = GemmPath.Auto;
        Simd.Forced = SimdPath.Auto;
        Gemm.MaxThreads = Environment.ProcessorCount;
        Gemm.MinFlopsPerThread = Gemm.DefaultMinFlopsPerThread;
        SpatialThreads.MaxThreads = Environment.ProcessorCount;
        SpatialThreads.MinFlopsPerThread = SpatialThreads.DefaultMinFlopsPerThread;
        SpatialThreads.MinElementsPerThread = SpatialThreads.DefaultMinElementsPerThread;
        Convolution.ForcedAlgorithm = ConvolutionAlgorithm.Auto;
    }
}
