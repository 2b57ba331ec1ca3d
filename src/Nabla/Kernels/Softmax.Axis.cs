using System.Numerics.Tensors;

namespace Nabla.Kernels;

// Softmax over an axis that is not the last: the buffer is [outer, length, inner] with the normalised axis in the
// middle, so each of the length rows of an outer block is a contiguous run of inner elements and the reduction runs
// across rows, inner lanes at a time (vectorised by TensorPrimitives), instead of along a row.
internal static partial class Softmax
{
    /// <summary>
    /// y = softmax(x) along the middle axis of an [outer, length, inner] buffer: for every (o, i),
    /// y[o, :, i] = e^(x[o, :, i] − m) / Σ e^(x[o, :, i] − m), m the maximum over the axis. <paramref name="scratch"/>
    /// holds at least <paramref name="inner"/> floats. A slice without a finite maximum yields NaN, as
    /// <see cref="SoftmaxRows"/>. y may alias x exactly.
    /// </summary>
    public static void SoftmaxAxis(ReadOnlySpan<float> x, Span<float> y, int outer, int length, int inner, Span<float> scratch)
    {
        CheckAxis(x, y, outer, length, inner, scratch);
        int block = length * inner;
        for (int o = 0; o < outer && block > 0; o++)
        {
            ReadOnlySpan<float> xb = x.Slice(o * block, block);
            Span<float> yb = y.Slice(o * block, block);
            Span<float> m = scratch[..inner];
            xb[..inner].CopyTo(m);
            for (int j = 1; j < length; j++)
            {
                TensorPrimitives.Max(m, xb.Slice(j * inner, inner), m);
            }

            for (int j = 0; j < length; j++)
            {
                Span<float> yj = yb.Slice(j * inner, inner);
                TensorPrimitives.Subtract(xb.Slice(j * inner, inner), m, yj);
                TensorPrimitives.Exp(yj, yj);
            }

            // m is no longer needed: it becomes the sums.
            yb[..inner].CopyTo(m);
            for (int j = 1; j < length; j++)
            {
                TensorPrimitives.Add(m, yb.Slice(j * inner, inner), m);
            }

            for (int j = 0; j < length; j++)
            {
                Span<float> yj = yb.Slice(j * inner, inner);
                TensorPrimitives.Divide(yj, m, yj);
            }
        }
    }

    /// <summary>
    /// Softmax backward from its output along the middle axis of an [outer, length, inner] buffer:
    /// dx[o, :, i] = y[o, :, i] ⊙ (g[o, :, i] − Σ_j g[o, j, i]·y[o, j, i]). <paramref name="scratch"/> holds at least
    /// <paramref name="inner"/> floats. dx may alias g exactly.
    /// </summary>
    public static void SoftmaxAxisBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, int outer, int length, int inner, Span<float> scratch)
    {
        CheckAxis(y, dx, outer, length, inner, scratch);
        CheckAxis(g, dx, outer, length, inner, scratch);
        int block = length * inner;
        for (int o = 0; o < outer && block > 0; o++)
        {
            ReadOnlySpan<float> yb = y.Slice(o * block, block), gb = g.Slice(o * block, block);
            Span<float> db = dx.Slice(o * block, block);
            Span<float> dot = scratch[..inner];
            dot.Clear();
            for (int j = 0; j < length; j++)
            {
                TensorPrimitives.MultiplyAdd(gb.Slice(j * inner, inner), yb.Slice(j * inner, inner), dot, dot);
            }

            for (int j = 0; j < length; j++)
            {
                Span<float> dj = db.Slice(j * inner, inner);
                TensorPrimitives.Subtract(gb.Slice(j * inner, inner), dot, dj);
                TensorPrimitives.Multiply(dj, yb.Slice(j * inner, inner), dj);
            }
        }
    }

    private static void CheckAxis(ReadOnlySpan<float> x, Span<float> y, int outer, int length, int inner, Span<float> scratch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(outer);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegative(inner);
        long n = (long)outer * length * inner;
        if (x.Length < n)
        {
            ThrowHelper.SourceTooShort(nameof(x), n, x.Length);
        }

        if (y.Length < n)
        {
            ThrowHelper.DestinationTooShort(nameof(y), n, y.Length);
        }

        if (scratch.Length < inner)
        {
            ThrowHelper.DestinationTooShort(nameof(scratch), inner, scratch.Length);
        }
    }
}
