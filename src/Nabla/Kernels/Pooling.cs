using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>Max and average pooling over channels-last (NHWC) tensors, windowed and global, with their backward passes.</summary>
/// <remarks>
/// <para>
/// Windows follow a <see cref="Pool2DGeometry"/>: output (n, oh, ow, c) pools x[n, h, w, c] over the window's rows h
/// and columns w that lie inside the input; padded positions take no part, so a "same" window at the border is
/// smaller, its maximum is over the real values only and its average divides by the number of real values, as in
/// TensorFlow and Keras. 1-D pooling over [batch, steps, channels] is the 2-D case with height 1 (pool and stride
/// height 1, the steps as the width); global pooling is the case with one window covering the whole image.
/// </para>
/// <para>
/// Max pooling takes the first largest value in window order (row by row); NaN propagates: a window holding a NaN
/// yields NaN, and its argmax is the first NaN. The forward pass can write, for each output, the index in x of the
/// value it took (a flat index into x, counting the batch); the backward pass adds each output's gradient there. With
/// disjoint windows (stride at least the pool size) it writes dx window by window instead, each position taking its
/// output's gradient or zero, so dx is written once rather than cleared and scattered into.
/// Average pooling sums the window in float and multiplies by the reciprocal of its count.
/// </para>
/// <para>
/// Work is vectorised across channels (the contiguous axis) and split over threads in pieces fixed by the shapes:
/// output rows for the forward passes, images for the backward passes (windows of one image may overlap, so one thread
/// scatters into each image). Outputs must not overlap inputs (checked). A warm call allocates nothing.
/// </para>
/// </remarks>
internal static unsafe partial class Pooling
{
    // Output pixels a forward item covers at least (whole output rows).
    private const int ItemPixels = 64;

    private static void CheckForward(in Pool2DGeometry geometry, ReadOnlySpan<float> x, Span<float> y)
    {
        geometry.ThrowIfDefault();
        if (x.Length < geometry.InputLength)
            ThrowHelper.SourceTooShort(nameof(x), geometry.InputLength, x.Length);
        if (y.Length < geometry.OutputLength)
            ThrowHelper.DestinationTooShort(nameof(y), geometry.OutputLength, y.Length);
        if (y[..geometry.OutputLength].Overlaps(x))
            ThrowHelper.SpansOverlap(nameof(y), nameof(x));
    }

    private static void CheckBackward(in Pool2DGeometry geometry, ReadOnlySpan<float> dy, Span<float> dx)
    {
        geometry.ThrowIfDefault();
        if (dy.Length < geometry.OutputLength)
            ThrowHelper.SourceTooShort(nameof(dy), geometry.OutputLength, dy.Length);
        if (dx.Length < geometry.InputLength)
            ThrowHelper.DestinationTooShort(nameof(dx), geometry.InputLength, dx.Length);
        if (dx[..geometry.InputLength].Overlaps(dy))
            ThrowHelper.SpansOverlap(nameof(dx), nameof(dy));
    }

    // Output rows per item of a forward pass.
    private static int RowsPerItem(in Pool2DGeometry g) => Math.Max(1, ItemPixels / g.OutputWidth);

    // Forward passes: items of whole output rows.
    private static void RunForward<TWork>(in Pool2DGeometry g, int rowsPerItem, ref TWork work)
        where TWork : struct, IWorkItems
    {
        int rows = g.Batch * g.OutputHeight;
        int items = (rows + rowsPerItem - 1) / rowsPerItem;
        double elements = (double)g.OutputLength * g.PoolHeight * g.PoolWidth;
        SpatialThreads.Run(items, SpatialThreads.PartsForElements(elements, items), ref work);
    }

    // The input rows [H0, H1) and columns [W0, W1) of output (oh, ow)'s window that lie inside the input.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (int H0, int H1, int W0, int W1) Window(in Pool2DGeometry g, int oh, int ow)
    {
        int h = (oh * g.StrideHeight) - g.PadTop, w = (ow * g.StrideWidth) - g.PadLeft;
        return (Math.Max(h, 0), Math.Min(h + g.PoolHeight, g.InputHeight), Math.Max(w, 0), Math.Min(w + g.PoolWidth, g.InputWidth));
    }
}
