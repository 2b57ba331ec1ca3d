namespace Nabla.Kernels;

/// <summary>The instruction set a <see cref="Gemm"/> call runs on.</summary>
internal enum GemmPath
{
    /// <summary>The fastest path the CPU supports: <see cref="Avx512"/>, else <see cref="Avx2"/>, else <see cref="Scalar"/>.</summary>
    Auto,

    /// <summary>AVX-512F micro-kernel (12×32 tile, Vector512 FMA) and AVX-512 packing.</summary>
    Avx512,

    /// <summary>AVX2 + FMA micro-kernel (6×16 tile, Vector256 FMA).</summary>
    Avx2,

    /// <summary>Portable scalar micro-kernel (4×4 tile) for CPUs without AVX2; no SIMD at all.</summary>
    Scalar,
}
