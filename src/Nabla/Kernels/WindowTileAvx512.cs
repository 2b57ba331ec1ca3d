using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// The AVX-512 micro-kernel of <see cref="ConvolutionAlgorithm.WindowRows"/>: a 6×32 tile of a convolution's output whose
/// six pixels' windows are read in place, each from its own pointer, instead of from a packed A panel.
/// </summary>
/// <remarks>
/// <para>
/// The GEMM micro-kernel (<see cref="GemmMicroKernelAvx512"/>) broadcasts A values from a panel that packing wrote: for a
/// channels-last convolution, im2col copies each window out of the input and packing then transposes it, two passes
/// over data as large as the input times the kernel's area. Here each pixel's window is read where it lies. A window is
/// a few runs of contiguous floats (one run per kernel row when the kernel's columns are adjacent: its taps' channels
/// follow each other in a channels-last row), at the same offsets from every pixel's first tap, so the six broadcasts
/// of a k step are six loads at the same index from six pointers. The register use and the per-step work are the GEMM
/// kernel's: 12 accumulators, 2 B loads, 6 broadcasts, 12 FMAs.
/// </para>
/// <para>
/// The k steps run run by run in order and the bias is added last, the order of <see cref="ConvolutionAlgorithm.Direct"/>
/// (whose packed panel holds the same windows, and whose last k step multiplies the bias by one), so both give the same
/// bits.
/// </para>
/// </remarks>
internal static unsafe class WindowTileAvx512
{
    /// <summary>Pixels per tile.</summary>
    public const int Rows = 6;

    /// <summary>Output channels per tile (the B panel's width).</summary>
    public const int Columns = 32;

    /// <summary>
    /// <c>c[r·ldc + j] (+)= Σ_s Σ_k pixels[r][offsets[s] + k] · b[((s·length) + k)·32 + j] (+ bias[j])</c> for r &lt;
    /// <paramref name="rows"/> and j &lt; <paramref name="columns"/>.
    /// </summary>
    /// <param name="pixels">Six pointers, one per pixel of the tile (those past <paramref name="rows"/> must still be readable, and are not stored).</param>
    /// <param name="offsets">Where each run starts, from a pixel's pointer.</param>
    /// <param name="runs">Runs per window, at least 1.</param>
    /// <param name="length">Floats per run, at least 1.</param>
    /// <param name="b">The kernel's panel: 32 floats per k step, runs·length steps, zero past the last output channel.</param>
    /// <param name="bias">32 floats added last, or null.</param>
    /// <param name="c">The tile's first output.</param>
    /// <param name="ldc">Floats between consecutive pixels' outputs.</param>
    /// <param name="rows">Pixels to store, 1 to 6.</param>
    /// <param name="columns">Channels to store, 1 to 32.</param>
    /// <param name="accumulate">Add the sums to c instead of overwriting it.</param>
    /// <param name="relu">Store max(v, 0) (ReLU, as <see cref="ReluOp"/> computes it) of each value v, bias included; only when overwriting.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float** pixels, nint* offsets, int runs, nint length, float* b, float* bias, float* c, nint ldc, int rows, int columns,
        bool accumulate, bool relu)
    {
        Vector512<float> c0l = default, c0h = default;
        Vector512<float> c1l = default, c1h = default;
        Vector512<float> c2l = default, c2h = default;
        Vector512<float> c3l = default, c3h = default;
        Vector512<float> c4l = default, c4h = default;
        Vector512<float> c5l = default, c5h = default;
        Vector512<float> ai;
        for (int s = 0; s < runs; s++)
        {
            nint offset = offsets[s];
            float* a0 = pixels[0] + offset, a1 = pixels[1] + offset, a2 = pixels[2] + offset;
            float* a3 = pixels[3] + offset, a4 = pixels[4] + offset, a5 = pixels[5] + offset;
            for (nint k = 0; k < length; k++)
            {
                Vector512<float> bl = Vector512.Load(b);
                Vector512<float> bh = Vector512.Load(b + 16);
                ai = Vector512.Create(a0[k]);
                c0l = Avx512F.FusedMultiplyAdd(bl, ai, c0l);
                c0h = Avx512F.FusedMultiplyAdd(bh, ai, c0h);
                ai = Vector512.Create(a1[k]);
                c1l = Avx512F.FusedMultiplyAdd(bl, ai, c1l);
                c1h = Avx512F.FusedMultiplyAdd(bh, ai, c1h);
                ai = Vector512.Create(a2[k]);
                c2l = Avx512F.FusedMultiplyAdd(bl, ai, c2l);
                c2h = Avx512F.FusedMultiplyAdd(bh, ai, c2h);
                ai = Vector512.Create(a3[k]);
                c3l = Avx512F.FusedMultiplyAdd(bl, ai, c3l);
                c3h = Avx512F.FusedMultiplyAdd(bh, ai, c3h);
                ai = Vector512.Create(a4[k]);
                c4l = Avx512F.FusedMultiplyAdd(bl, ai, c4l);
                c4h = Avx512F.FusedMultiplyAdd(bh, ai, c4h);
                ai = Vector512.Create(a5[k]);
                c5l = Avx512F.FusedMultiplyAdd(bl, ai, c5l);
                c5h = Avx512F.FusedMultiplyAdd(bh, ai, c5h);
                b += Columns;
            }
        }

        Vector512<float> biasLow = default, biasHigh = default;
        bool withBias = bias != null, masked = columns != Columns;
        if (withBias)
        {
            biasLow = Vector512.Load(bias);
            biasHigh = Vector512.Load(bias + 16);
        }

        Vector512<float> lowMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(columns)).AsSingle();
        Vector512<float> highMask = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(columns - 16)).AsSingle();
        Store(c, c0l, c0h, biasLow, biasHigh, withBias, relu, accumulate, masked, lowMask, highMask);
        if (rows > 1)
            Store(c + ldc, c1l, c1h, biasLow, biasHigh, withBias, relu, accumulate, masked, lowMask, highMask);
        if (rows > 2)
            Store(c + (2 * ldc), c2l, c2h, biasLow, biasHigh, withBias, relu, accumulate, masked, lowMask, highMask);
        if (rows > 3)
            Store(c + (3 * ldc), c3l, c3h, biasLow, biasHigh, withBias, relu, accumulate, masked, lowMask, highMask);
        if (rows > 4)
            Store(c + (4 * ldc), c4l, c4h, biasLow, biasHigh, withBias, relu, accumulate, masked, lowMask, highMask);
        if (rows > 5)
            Store(c + (5 * ldc), c5l, c5h, biasLow, biasHigh, withBias, relu, accumulate, masked, lowMask, highMask);
    }

    // Adds the bias (when there is one: adding zeros would turn a −0 sum into +0), applies ReLU when it is fused, then
    // stores one pixel's thirty-two channels as the GEMM kernel stores a row of its tile, masked when the panel is the last,
    // partial one.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(float* c, Vector512<float> low, Vector512<float> high, Vector512<float> biasLow, Vector512<float> biasHigh,
        bool withBias, bool relu, bool accumulate, bool masked, Vector512<float> lowMask, Vector512<float> highMask)
    {
        if (withBias)
        {
            low += biasLow;
            high += biasHigh;
        }

        if (relu)
        {
            low = Vector512.Max(low, Vector512<float>.Zero);
            high = Vector512.Max(high, Vector512<float>.Zero);
        }

        if (masked)
            GemmMicroKernelAvx512.UpdateMasked<GemmExtent32>(c, low, high, lowMask, highMask, accumulate);
        else
            GemmMicroKernelAvx512.Update(c, low, high, accumulate);
    }
}
