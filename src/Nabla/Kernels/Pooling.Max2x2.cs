using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

internal static unsafe partial class Pooling
{
    // The 2 × 2 windows of MaxPooling2D(2), the usual pooling, on 8-float vectors when the channels fill them
    // (Is2x2Vectorized): the fold with its argmax (training), without it (inference), and the scatter back by the argmax,
    // each unrolled over the window instead of looping over its rows and columns (W5's first pooling with indices at
    // batch 32: 157 -> 79 µs, its backward 151 -> 96 µs). The window's four positions are at offsets 0, c, rowPitch and
    // rowPitch + c from its first float.

    /// <summary>Whether a full 2 × 2 window over <paramref name="c"/> channels takes the vector paths below.</summary>
    private static bool Is2x2Vectorized(int rows, int cols, int c, VectorWidth width) =>
        rows == 2 && cols == 2 && c % 8 == 0 && width.Use256;

    // MaxWindow for `pixels` 2 × 2 windows side by side (window i starts 2c floats after window i − 1, its output and
    // indices c after i − 1): the same values and indices. Each row's pair is folded, then the two rows, with MaxWindow's
    // rule (a later value wins only if strictly larger, or NaN over a number), which in this grouping too yields the first
    // NaN, else the first maximum; the index follows the same choices as offsets within the window.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxWindowRow2x2(float* x, nint first, nint rowPitch, int c, float* y, int* argmax, int pixels)
    {
        Vector256<int> right = Vector256.Create(c), down = Vector256.Create((int)rowPitch);
        for (int i = 0; i < pixels; i++, first += 2 * (nint)c, y += c, argmax += c)
        {
            for (int ch = 0; ch < c; ch += 8)
            {
                float* p = x + first + ch;
                Vector256<float> v0 = Vector256.Load(p), v1 = Vector256.Load(p + c);
                Vector256<float> v2 = Vector256.Load(p + rowPitch), v3 = Vector256.Load(p + rowPitch + c);
                Vector256<float> top = Replaces(v0, v1), bottom = Replaces(v2, v3);
                Vector256<float> m01 = Vector256.ConditionalSelect(top, v1, v0), m23 = Vector256.ConditionalSelect(bottom, v3, v2);
                Vector256<int> o01 = top.AsInt32() & right, o23 = down + (bottom.AsInt32() & right);
                Vector256<float> lower = Replaces(m01, m23);
                Vector256.ConditionalSelect(lower, m23, m01).Store(y + ch);
                Vector256<int> offset = Vector256.ConditionalSelect(lower.AsInt32(), o23, o01);
                (Vector256.Create((int)(first + ch)) + Vector256<int>.Indices + offset).Store(argmax + ch);
            }
        }
    }

    // The same fold without the indices (inference): MaxWindowValues' value for each window, bit for bit, since that too
    // folds each row's pair, then the rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxWindowRowValues2x2(float* x, nint first, nint rowPitch, int c, float* y, int pixels)
    {
        for (int i = 0; i < pixels; i++, first += 2 * (nint)c, y += c)
        {
            for (int ch = 0; ch < c; ch += 8)
            {
                float* p = x + first + ch;
                Vector256<float> top = Pick(Vector256.Load(p), Vector256.Load(p + c));
                Vector256<float> bottom = Pick(Vector256.Load(p + rowPitch), Vector256.Load(p + rowPitch + c));
                Pick(top, bottom).Store(y + ch);
            }
        }
    }

    // GatherWindow for one 2 × 2 window: dx at each position (+)= dy where the argmax points at it, else (+)= 0; false
    // when some channel's argmax points at none of the four.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool GatherWindow2x2(float* dx, nint first, nint rowPitch, int c, float* dy, int* argmax, bool accumulate)
    {
        Vector256<int> right = Vector256.Create(c), down = Vector256.Create((int)rowPitch), diagonal = right + down;
        Vector256<int> found = Vector256<int>.AllBitsSet;
        for (int ch = 0; ch < c; ch += 8)
        {
            float* p = dx + first + ch;
            Vector256<int> offset = Vector256.Load(argmax + ch) - (Vector256.Create((int)(first + ch)) + Vector256<int>.Indices);
            Vector256<float> g = Vector256.Load(dy + ch);
            Vector256<int> h0 = Vector256.Equals(offset, Vector256<int>.Zero), h1 = Vector256.Equals(offset, right);
            Vector256<int> h2 = Vector256.Equals(offset, down), h3 = Vector256.Equals(offset, diagonal);
            found &= h0 | h1 | h2 | h3;
            Vector256<float> g0 = g & h0.AsSingle(), g1 = g & h1.AsSingle(), g2 = g & h2.AsSingle(), g3 = g & h3.AsSingle();
            if (accumulate)
            {
                g0 += Vector256.Load(p);
                g1 += Vector256.Load(p + c);
                g2 += Vector256.Load(p + rowPitch);
                g3 += Vector256.Load(p + rowPitch + c);
            }

            g0.Store(p);
            g1.Store(p + c);
            g2.Store(p + rowPitch);
            g3.Store(p + rowPitch + c);
        }

        return found == Vector256<int>.AllBitsSet;
    }

    // The mask of lanes where b replaces a in a max fold: b strictly larger, or b NaN and a not.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Replaces(Vector256<float> a, Vector256<float> b) =>
        Vector256.GreaterThan(b, a) | (~Vector256.Equals(b, b) & Vector256.Equals(a, a));
}
