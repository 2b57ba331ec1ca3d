using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

internal static unsafe partial class Pooling
{
    // MaxWindow without the argmax (inference, where no backward pass reads it): the same value, bit for bit. Each
    // window row is folded left to right, then the rows top to bottom; Pick keeps the earlier of two values unless the
    // later one is strictly larger or is NaN over a number, so the fold in any grouping yields the window's first NaN,
    // else its first maximum (ties, −0 against +0 included), exactly as MaxWindow's single pass does. Folding the rows
    // separately shortens the chain of dependent compares (two instead of four for a 2 × 2 window).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxWindowValues(float* x, nint first, int rows, int cols, nint rowPitch, int c, float* y, VectorWidth width) =>
        MaxWindowRowValues(x, first, rows, cols, rowPitch, c, y, width, 1, (nint)cols * c);

    // The same for `pixels` windows of one size side by side, window i starting `stride` floats after window i − 1 and
    // its output c floats after output i − 1: a row of a pooling that tiles its input, in one call.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxWindowRowValues(float* x, nint first, int rows, int cols, nint rowPitch, int c, float* y, VectorWidth width, int pixels,
        nint stride)
    {
        if (Is2x2Vectorized(rows, cols, c, width) && stride == 2 * (nint)c)
        {
            MaxWindowRowValues2x2(x, first, rowPitch, c, y, pixels);
            return;
        }

        for (int i = 0; i < pixels; i++, first += stride, y += c)
            MaxWindowChannels(x, first, rows, cols, rowPitch, c, y, width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MaxWindowChannels(float* x, nint first, int rows, int cols, nint rowPitch, int c, float* y, VectorWidth width)
    {
        int ch = 0;
        if (width.Use512)
        {
            for (; ch <= c - 16; ch += 16)
            {
                float* p = x + first + ch;
                Vector512<float> best = RowMax512(p, cols, c);
                for (int r = 1; r < rows; r++)
                    best = Pick(best, RowMax512(p + (r * rowPitch), cols, c));
                best.Store(y + ch);
            }
        }

        if (width.Use256)
        {
            for (; ch <= c - 8; ch += 8)
            {
                float* p = x + first + ch;
                Vector256<float> best = RowMax256(p, cols, c);
                for (int r = 1; r < rows; r++)
                    best = Pick(best, RowMax256(p + (r * rowPitch), cols, c));
                best.Store(y + ch);
            }
        }

        for (; ch < c; ch++)
        {
            float* p = x + first + ch;
            float best = RowMax(p, cols, c);
            for (int r = 1; r < rows; r++)
                best = Pick(best, RowMax(p + (r * rowPitch), cols, c));
            y[ch] = best;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> RowMax512(float* p, int cols, int c)
    {
        Vector512<float> best = Vector512.Load(p);
        for (int q = 1; q < cols; q++)
            best = Pick(best, Vector512.Load(p + ((nint)q * c)));
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> RowMax256(float* p, int cols, int c)
    {
        Vector256<float> best = Vector256.Load(p);
        for (int q = 1; q < cols; q++)
            best = Pick(best, Vector256.Load(p + ((nint)q * c)));
        return best;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float RowMax(float* p, int cols, int c)
    {
        float best = p[0];
        for (int q = 1; q < cols; q++)
            best = Pick(best, p[(nint)q * c]);
        return best;
    }

    // The earlier value a, unless the later b is strictly larger or is NaN while a is not.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Pick(Vector512<float> a, Vector512<float> b) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(b, a) | (~Vector512.Equals(b, b) & Vector512.Equals(a, a)), b, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Pick(Vector256<float> a, Vector256<float> b) => Vector256.ConditionalSelect(Replaces(a, b), b, a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Pick(float a, float b) => b > a || (float.IsNaN(b) && !float.IsNaN(a)) ? b : a;
}
