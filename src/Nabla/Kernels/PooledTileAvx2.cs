using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Nabla.Kernels;

/// <summary>
/// The register loops of a convolution's gradients taken from the gradient of a max pooling after it (see
/// <c>Convolution.PooledInputGradient</c> and <c>Convolution.PooledWeightGradient</c>): runs of up to twelve vectors
/// (96 floats: a 3 × 3 kernel row over 32 channels) summed in registers over a list of channels or of windows.
/// </summary>
/// <remarks>
/// TN (1, 4 or 12) is the run's length in vectors, known at JIT time, so each length compiles to its own loop with
/// that many accumulators; twelve leave room for the broadcast and a load on AVX2's sixteen registers.
/// </remarks>
internal static unsafe class PooledTileAvx2
{
    /// <summary>Vectors of the longest run.</summary>
    public const int MaxVectors = 12;

    // For each 8-bit mask, the lanes whose bits are set, in order (then zeros): the permutation that packs them left.
    private static readonly int[] s_leftPack = BuildLeftPack();

    /// <summary>
    /// The places in their window (row-major, 0 to poolHeight·poolWidth − 1) of eight channels' argmax indices, from
    /// how far each lies from its window's first output: rows of the convolution's output are
    /// <paramref name="rowSpan"/> indices apart and pixels <paramref name="channels"/>. False when an index lies outside
    /// its window.
    /// </summary>
    /// <param name="argmax">The eight indices.</param>
    /// <param name="first">The index of the window's first output in the first of the eight channels.</param>
    /// <param name="rowSpan">Indices per row of the convolution's output (its width times its channels).</param>
    /// <param name="channels">The convolution's output channels.</param>
    /// <param name="poolHeight">Rows of a window.</param>
    /// <param name="poolWidth">Columns of a window.</param>
    /// <param name="places">The places.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Places(int* argmax, int first, int rowSpan, int channels, int poolHeight, int poolWidth, out Vector256<int> places)
    {
        Vector256<int> delta = Vector256.Load(argmax) - (Vector256.Create(first) + Vector256<int>.Indices);

        // row = #{i ≥ 1: delta ≥ i·rowSpan}, column likewise in what is left; the index lies in the window exactly
        // when what is then left is column·channels (a negative delta, or one past the window, leaves more or less).
        Vector256<int> row = Vector256<int>.Zero, column = Vector256<int>.Zero;
        for (int i = 1; i < poolHeight; i++)
            row -= Vector256.GreaterThanOrEqual(delta, Vector256.Create(i * rowSpan));
        Vector256<int> rest = delta - (row * rowSpan);
        for (int i = 1; i < poolWidth; i++)
            column -= Vector256.GreaterThanOrEqual(rest, Vector256.Create(i * channels));
        places = (row * poolWidth) + column;
        return Vector256.EqualsAll(rest, column * channels);
    }

    /// <summary>Writes at <paramref name="dst"/> the channels first + lane whose place is <paramref name="place"/>, in order; returns how many (8 ints are written).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Pack(Vector256<int> places, int place, int first, int* dst)
    {
        uint mask = Vector256.Equals(places, Vector256.Create(place)).AsSingle().ExtractMostSignificantBits();
        Vector256<int> order = Vector256.LoadUnsafe(ref s_leftPack[0], mask * 8);
        Avx2.PermuteVar8x32(Vector256.Create(first) + Vector256<int>.Indices, order).Store(dst);
        return BitOperations.PopCount(mask);
    }

    /// <summary>
    /// sums[i·stride + lane] (+)= Σ_q Σ_j [places[q, lane] = j] · gz[q, lane] · x[windows[q] + placeOffsets[j] + taps[i]]
    /// for i &lt; <paramref name="count"/> (at most TN): eight output channels' kernel gradients of a convolution with
    /// few input channels (a whole kernel fits the accumulators), each window adding, for each place, the input values
    /// at that place's window times the gradients of the channels whose argmax it is.
    /// </summary>
    /// <param name="places">Per window, the eight channels' argmax places.</param>
    /// <param name="gz">Per window, the eight channels' gradients.</param>
    /// <param name="windows">Per window, the offset of its first output's window in x.</param>
    /// <param name="windowCount">Windows.</param>
    /// <param name="placeOffsets">Per place, its offset from the window's first output's window.</param>
    /// <param name="positions">Places in a window.</param>
    /// <param name="taps">Per kernel element (tap and channel), its offset in a window; TN of them, those past the kernel 0.</param>
    /// <param name="count">Kernel elements, at most TN.</param>
    /// <param name="x">The zero-padded input image.</param>
    /// <param name="sums">The eight channels' gradient of the first kernel element.</param>
    /// <param name="stride">Floats between kernel elements' gradients.</param>
    /// <param name="accumulate">Add to sums instead of overwriting them.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumPlaces<TN>(int* places, float* gz, int* windows, int windowCount, int* placeOffsets, int positions, int* taps, int count,
        float* x, float* sums, nint stride, bool accumulate)
        where TN : struct, IGemmExtent
    {
        Vector256<float> a0 = default;
        Vector256<float> a1 = default;
        Vector256<float> a2 = default;
        Vector256<float> a3 = default;
        Vector256<float> a4 = default;
        Vector256<float> a5 = default;
        Vector256<float> a6 = default;
        Vector256<float> a7 = default;
        Vector256<float> a8 = default;
        Vector256<float> a9 = default;
        Vector256<float> a10 = default;
        Vector256<float> a11 = default;
        if (accumulate)
        {
            a0 = Vector256.Load(sums + (0 * stride));
            if (TN.Value > 1 && count > 1)
                a1 = Vector256.Load(sums + (1 * stride));
            if (TN.Value > 2 && count > 2)
                a2 = Vector256.Load(sums + (2 * stride));
            if (TN.Value > 3 && count > 3)
                a3 = Vector256.Load(sums + (3 * stride));
            if (TN.Value > 4 && count > 4)
                a4 = Vector256.Load(sums + (4 * stride));
            if (TN.Value > 5 && count > 5)
                a5 = Vector256.Load(sums + (5 * stride));
            if (TN.Value > 6 && count > 6)
                a6 = Vector256.Load(sums + (6 * stride));
            if (TN.Value > 7 && count > 7)
                a7 = Vector256.Load(sums + (7 * stride));
            if (TN.Value > 8 && count > 8)
                a8 = Vector256.Load(sums + (8 * stride));
            if (TN.Value > 9 && count > 9)
                a9 = Vector256.Load(sums + (9 * stride));
            if (TN.Value > 10 && count > 10)
                a10 = Vector256.Load(sums + (10 * stride));
            if (TN.Value > 11 && count > 11)
                a11 = Vector256.Load(sums + (11 * stride));
        }

        for (int q = 0; q < windowCount; q++)
        {
            Vector256<int> place = Vector256.Load(places + (q * 8));
            Vector256<float> g = Vector256.Load(gz + (q * 8));
            float* window = x + windows[q];
            for (int j = 0; j < positions; j++)
            {
                Vector256<float> v = g & Vector256.Equals(place, Vector256.Create(j)).AsSingle();
                float* at = window + placeOffsets[j];
                a0 = Fma.MultiplyAdd(Vector256.Create(at[taps[0]]), v, a0);
                if (TN.Value > 1)
                    a1 = Fma.MultiplyAdd(Vector256.Create(at[taps[1]]), v, a1);
                if (TN.Value > 2)
                    a2 = Fma.MultiplyAdd(Vector256.Create(at[taps[2]]), v, a2);
                if (TN.Value > 3)
                    a3 = Fma.MultiplyAdd(Vector256.Create(at[taps[3]]), v, a3);
                if (TN.Value > 4)
                    a4 = Fma.MultiplyAdd(Vector256.Create(at[taps[4]]), v, a4);
                if (TN.Value > 5)
                    a5 = Fma.MultiplyAdd(Vector256.Create(at[taps[5]]), v, a5);
                if (TN.Value > 6)
                    a6 = Fma.MultiplyAdd(Vector256.Create(at[taps[6]]), v, a6);
                if (TN.Value > 7)
                    a7 = Fma.MultiplyAdd(Vector256.Create(at[taps[7]]), v, a7);
                if (TN.Value > 8)
                    a8 = Fma.MultiplyAdd(Vector256.Create(at[taps[8]]), v, a8);
                if (TN.Value > 9)
                    a9 = Fma.MultiplyAdd(Vector256.Create(at[taps[9]]), v, a9);
                if (TN.Value > 10)
                    a10 = Fma.MultiplyAdd(Vector256.Create(at[taps[10]]), v, a10);
                if (TN.Value > 11)
                    a11 = Fma.MultiplyAdd(Vector256.Create(at[taps[11]]), v, a11);
            }
        }

        a0.Store(sums + (0 * stride));
        if (TN.Value > 1 && count > 1)
            a1.Store(sums + (1 * stride));
        if (TN.Value > 2 && count > 2)
            a2.Store(sums + (2 * stride));
        if (TN.Value > 3 && count > 3)
            a3.Store(sums + (3 * stride));
        if (TN.Value > 4 && count > 4)
            a4.Store(sums + (4 * stride));
        if (TN.Value > 5 && count > 5)
            a5.Store(sums + (5 * stride));
        if (TN.Value > 6 && count > 6)
            a6.Store(sums + (6 * stride));
        if (TN.Value > 7 && count > 7)
            a7.Store(sums + (7 * stride));
        if (TN.Value > 8 && count > 8)
            a8.Store(sums + (8 * stride));
        if (TN.Value > 9 && count > 9)
            a9.Store(sums + (9 * stride));
        if (TN.Value > 10 && count > 10)
            a10.Store(sums + (10 * stride));
        if (TN.Value > 11 && count > 11)
            a11.Store(sums + (11 * stride));
    }

    private static int[] BuildLeftPack()
    {
        int[] table = new int[256 * 8];
        for (int mask = 0; mask < 256; mask++)
        {
            for (int lane = 0, k = 0; lane < 8; lane++)
            {
                if ((mask & (1 << lane)) != 0)
                    table[(mask * 8) + k++] = lane;
            }
        }

        return table;
    }

    /// <summary>
    /// dst[i] += Σ_k gz[channels[k]] · w[channels[k]·wStride + i] for i &lt; 8·TN: the kernel rows of the channels whose
    /// argmax is one input pixel, weighted by their gradients, added at that pixel's window.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddChannels<TN>(int* channels, int count, float* gz, float* w0, nint wStride, float* dst)
        where TN : struct, IGemmExtent
    {
        Vector256<float> a0 = default;
        Vector256<float> a1 = default;
        Vector256<float> a2 = default;
        Vector256<float> a3 = default;
        Vector256<float> a4 = default;
        Vector256<float> a5 = default;
        Vector256<float> a6 = default;
        Vector256<float> a7 = default;
        Vector256<float> a8 = default;
        Vector256<float> a9 = default;
        Vector256<float> a10 = default;
        Vector256<float> a11 = default;
        for (int k = 0; k < count; k++)
        {
            int channel = channels[k];
            Vector256<float> v = Vector256.Create(gz[channel]);
            float* w = w0 + (channel * wStride);
            a0 = Fma.MultiplyAdd(Vector256.Load(w), v, a0);
            if (TN.Value > 1)
                a1 = Fma.MultiplyAdd(Vector256.Load(w + 8), v, a1);
            if (TN.Value > 2)
                a2 = Fma.MultiplyAdd(Vector256.Load(w + 16), v, a2);
            if (TN.Value > 3)
                a3 = Fma.MultiplyAdd(Vector256.Load(w + 24), v, a3);
            if (TN.Value > 4)
                a4 = Fma.MultiplyAdd(Vector256.Load(w + 32), v, a4);
            if (TN.Value > 5)
                a5 = Fma.MultiplyAdd(Vector256.Load(w + 40), v, a5);
            if (TN.Value > 6)
                a6 = Fma.MultiplyAdd(Vector256.Load(w + 48), v, a6);
            if (TN.Value > 7)
                a7 = Fma.MultiplyAdd(Vector256.Load(w + 56), v, a7);
            if (TN.Value > 8)
                a8 = Fma.MultiplyAdd(Vector256.Load(w + 64), v, a8);
            if (TN.Value > 9)
                a9 = Fma.MultiplyAdd(Vector256.Load(w + 72), v, a9);
            if (TN.Value > 10)
                a10 = Fma.MultiplyAdd(Vector256.Load(w + 80), v, a10);
            if (TN.Value > 11)
                a11 = Fma.MultiplyAdd(Vector256.Load(w + 88), v, a11);
        }

        (Vector256.Load(dst) + a0).Store(dst);
        if (TN.Value > 1)
            (Vector256.Load(dst + 8) + a1).Store(dst + 8);
        if (TN.Value > 2)
            (Vector256.Load(dst + 16) + a2).Store(dst + 16);
        if (TN.Value > 3)
            (Vector256.Load(dst + 24) + a3).Store(dst + 24);
        if (TN.Value > 4)
            (Vector256.Load(dst + 32) + a4).Store(dst + 32);
        if (TN.Value > 5)
            (Vector256.Load(dst + 40) + a5).Store(dst + 40);
        if (TN.Value > 6)
            (Vector256.Load(dst + 48) + a6).Store(dst + 48);
        if (TN.Value > 7)
            (Vector256.Load(dst + 56) + a7).Store(dst + 56);
        if (TN.Value > 8)
            (Vector256.Load(dst + 64) + a8).Store(dst + 64);
        if (TN.Value > 9)
            (Vector256.Load(dst + 72) + a9).Store(dst + 72);
        if (TN.Value > 10)
            (Vector256.Load(dst + 80) + a10).Store(dst + 80);
        if (TN.Value > 11)
            (Vector256.Load(dst + 88) + a11).Store(dst + 88);
    }

    /// <summary>
    /// sums[i] (+)= Σ_q gz[q·stride] · x[offsets[q·stride] + i] for i &lt; 8·TN: one output channel's kernel row summed
    /// over the windows, each at its argmax's window in the input.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SumWindows<TN>(int* offsets, float* gz, nint stride, int windows, float* x, float* sums, bool accumulate)
        where TN : struct, IGemmExtent
    {
        Vector256<float> a0 = default;
        Vector256<float> a1 = default;
        Vector256<float> a2 = default;
        Vector256<float> a3 = default;
        Vector256<float> a4 = default;
        Vector256<float> a5 = default;
        Vector256<float> a6 = default;
        Vector256<float> a7 = default;
        Vector256<float> a8 = default;
        Vector256<float> a9 = default;
        Vector256<float> a10 = default;
        Vector256<float> a11 = default;
        if (accumulate)
        {
            a0 = Vector256.Load(sums);
            if (TN.Value > 1)
                a1 = Vector256.Load(sums + 8);
            if (TN.Value > 2)
                a2 = Vector256.Load(sums + 16);
            if (TN.Value > 3)
                a3 = Vector256.Load(sums + 24);
            if (TN.Value > 4)
                a4 = Vector256.Load(sums + 32);
            if (TN.Value > 5)
                a5 = Vector256.Load(sums + 40);
            if (TN.Value > 6)
                a6 = Vector256.Load(sums + 48);
            if (TN.Value > 7)
                a7 = Vector256.Load(sums + 56);
            if (TN.Value > 8)
                a8 = Vector256.Load(sums + 64);
            if (TN.Value > 9)
                a9 = Vector256.Load(sums + 72);
            if (TN.Value > 10)
                a10 = Vector256.Load(sums + 80);
            if (TN.Value > 11)
                a11 = Vector256.Load(sums + 88);
        }

        for (nint q = 0, at = 0; q < windows; q++, at += stride)
        {
            Vector256<float> v = Vector256.Create(gz[at]);
            float* s = x + offsets[at];
            a0 = Fma.MultiplyAdd(Vector256.Load(s), v, a0);
            if (TN.Value > 1)
                a1 = Fma.MultiplyAdd(Vector256.Load(s + 8), v, a1);
            if (TN.Value > 2)
                a2 = Fma.MultiplyAdd(Vector256.Load(s + 16), v, a2);
            if (TN.Value > 3)
                a3 = Fma.MultiplyAdd(Vector256.Load(s + 24), v, a3);
            if (TN.Value > 4)
                a4 = Fma.MultiplyAdd(Vector256.Load(s + 32), v, a4);
            if (TN.Value > 5)
                a5 = Fma.MultiplyAdd(Vector256.Load(s + 40), v, a5);
            if (TN.Value > 6)
                a6 = Fma.MultiplyAdd(Vector256.Load(s + 48), v, a6);
            if (TN.Value > 7)
                a7 = Fma.MultiplyAdd(Vector256.Load(s + 56), v, a7);
            if (TN.Value > 8)
                a8 = Fma.MultiplyAdd(Vector256.Load(s + 64), v, a8);
            if (TN.Value > 9)
                a9 = Fma.MultiplyAdd(Vector256.Load(s + 72), v, a9);
            if (TN.Value > 10)
                a10 = Fma.MultiplyAdd(Vector256.Load(s + 80), v, a10);
            if (TN.Value > 11)
                a11 = Fma.MultiplyAdd(Vector256.Load(s + 88), v, a11);
        }

        a0.Store(sums);
        if (TN.Value > 1)
            a1.Store(sums + 8);
        if (TN.Value > 2)
            a2.Store(sums + 16);
        if (TN.Value > 3)
            a3.Store(sums + 24);
        if (TN.Value > 4)
            a4.Store(sums + 32);
        if (TN.Value > 5)
            a5.Store(sums + 40);
        if (TN.Value > 6)
            a6.Store(sums + 48);
        if (TN.Value > 7)
            a7.Store(sums + 56);
        if (TN.Value > 8)
            a8.Store(sums + 64);
        if (TN.Value > 9)
            a9.Store(sums + 72);
        if (TN.Value > 10)
            a10.Store(sums + 80);
        if (TN.Value > 11)
            a11.Store(sums + 88);
    }
}
