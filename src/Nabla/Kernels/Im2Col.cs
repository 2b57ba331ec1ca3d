using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>
/// im2col and its adjoint col2im for channels-last convolutions: the windows of a run of output pixels laid out as
/// the rows of a matrix, so that a convolution becomes a GEMM.
/// </summary>
/// <remarks>
/// <para>
/// For group g of a <see cref="Conv2DGeometry"/>, row r of the column matrix holds the window of output pixel
/// <c>p = firstPixel + r</c> (pixels numbered n·OutputHeight·OutputWidth + oh·OutputWidth + ow): its
/// <c>GroupDepth = KernelHeight·KernelWidth·GroupInputChannels</c> values in (kh, kw, ic) order, the order of the
/// kernel's first three axes, so that <c>col · w_g</c> (w_g the group's columns of the kernel read as a
/// [GroupDepth, OutputChannels] matrix) is the group's output. Taps that fall in the padding are zero.
/// </para>
/// <para>
/// <see cref="Pack"/> writes the rows; <see cref="Accumulate"/> adds each row back onto the input positions it was
/// read from (col2im), the adjoint of <see cref="Pack"/>: <c>&lt;Pack(x), c&gt; = &lt;x, Accumulate(c)&gt;</c>. With
/// dilation 1 and one group, the kw taps of a kernel row are adjacent in the input and move as one block.
/// </para>
/// <para>
/// For inputs with few channels per group the convolution uses the transposed, tap-major matrix instead
/// (<see cref="PackTransposedRows"/>): one row per tap holding that tap's value for every pixel, which for stride 1
/// and one channel is a run of an input row, copied as a block rather than three floats at a time.
/// </para>
/// <para>
/// Aliasing: the column matrix must not overlap x (Pack) or dx (Accumulate).
/// </para>
/// </remarks>
internal static unsafe class Im2Col
{
    /// <summary>col[r, :] = the window of output pixel firstPixel + r in group <paramref name="group"/>, for r in [0, rows).</summary>
    /// <param name="geometry">The convolution.</param>
    /// <param name="x">Input [Batch, InputHeight, InputWidth, InputChannels].</param>
    /// <param name="group">Group, in [0, Groups).</param>
    /// <param name="firstPixel">First output pixel.</param>
    /// <param name="rows">Pixels, with firstPixel + rows ≤ OutputPixels.</param>
    /// <param name="col">Destination [rows, GroupDepth].</param>
    /// <exception cref="ArgumentOutOfRangeException">The group or pixel range is outside the geometry.</exception>
    /// <exception cref="ArgumentException">A span is too short, or col overlaps x.</exception>
    public static void Pack(in Conv2DGeometry geometry, ReadOnlySpan<float> x, int group, int firstPixel, int rows, Span<float> col)
    {
        CheckRange(in geometry, group, firstPixel, rows);
        if (x.Length < geometry.InputLength)
            ThrowHelper.SourceTooShort(nameof(x), geometry.InputLength, x.Length);
        long need = (long)rows * geometry.GroupDepth;
        if (col.Length < need)
            ThrowHelper.DestinationTooShort(nameof(col), need, col.Length);
        if (col.Overlaps(x))
            ThrowHelper.SpansOverlap(nameof(col), nameof(x));
        fixed (float* px = x, pc = col)
            PackRows(in geometry, px, group, firstPixel, rows, pc, geometry.GroupDepth);
    }

    /// <summary>dx += col2im(col): adds col[r, :] onto the input positions of output pixel firstPixel + r's window in group <paramref name="group"/>.</summary>
    /// <param name="geometry">The convolution.</param>
    /// <param name="col">Source [rows, GroupDepth].</param>
    /// <param name="group">Group, in [0, Groups).</param>
    /// <param name="firstPixel">First output pixel.</param>
    /// <param name="rows">Pixels, with firstPixel + rows ≤ OutputPixels.</param>
    /// <param name="dx">Input gradient [Batch, InputHeight, InputWidth, InputChannels], added to.</param>
    /// <exception cref="ArgumentOutOfRangeException">The group or pixel range is outside the geometry.</exception>
    /// <exception cref="ArgumentException">A span is too short, or dx overlaps col.</exception>
    public static void Accumulate(in Conv2DGeometry geometry, ReadOnlySpan<float> col, int group, int firstPixel, int rows, Span<float> dx)
    {
        CheckRange(in geometry, group, firstPixel, rows);
        long need = (long)rows * geometry.GroupDepth;
        if (col.Length < need)
            ThrowHelper.SourceTooShort(nameof(col), need, col.Length);
        if (dx.Length < geometry.InputLength)
            ThrowHelper.DestinationTooShort(nameof(dx), geometry.InputLength, dx.Length);
        if (dx.Overlaps(col))
            ThrowHelper.SpansOverlap(nameof(dx), nameof(col));
        fixed (float* pc = col, pdx = dx)
            AccumulateRows(in geometry, pc, geometry.GroupDepth, group, firstPixel, rows, pdx, VectorWidth.Current);
    }

    /// <summary><see cref="Pack"/> on pinned, checked pointers; row r starts at col + r·ldcol.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackRows(in Conv2DGeometry g, float* x, int group, int firstPixel, int rows, float* col, nint ldcol)
    {
        var walk = new PixelWalk(in g, firstPixel);
        int kw = g.KernelWidth, cg = g.GroupInputChannels, c = g.InputChannels, w = g.InputWidth;
        nint tapRow = (nint)kw * cg;
        bool adjacentTaps = g.DilationWidth == 1 && cg == c;
        for (int r = 0; r < rows; r++, walk.Next())
        {
            float* dst = col + (r * ldcol);
            float* image = x + ((nint)walk.N * g.InputHeight * w * c) + ((nint)group * cg);
            int iw0 = (walk.Ow * g.StrideWidth) - g.PadLeft;
            for (int kh = 0; kh < g.KernelHeight; kh++, dst += tapRow)
            {
                int ih = (walk.Oh * g.StrideHeight) - g.PadTop + (kh * g.DilationHeight);
                if ((uint)ih >= (uint)g.InputHeight)
                {
                    RowOps.Clear(dst, tapRow);
                    continue;
                }

                float* row = image + ((nint)ih * w * c);
                if (adjacentTaps)
                {
                    // Taps [lo, hi) lie inside the row and are one contiguous block of the input.
                    int lo = Math.Clamp(-iw0, 0, kw), hi = Math.Clamp(w - iw0, lo, kw);
                    RowOps.Clear(dst, (nint)lo * c);
                    RowOps.Copy(row + ((nint)(iw0 + lo) * c), dst + ((nint)lo * c), (nint)(hi - lo) * c);
                    RowOps.Clear(dst + ((nint)hi * c), (nint)(kw - hi) * c);
                    continue;
                }

                for (int t = 0; t < kw; t++)
                {
                    int iw = iw0 + (t * g.DilationWidth);
                    if ((uint)iw < (uint)w)
                        RowOps.Copy(row + ((nint)iw * c), dst + ((nint)t * cg), cg);
                    else
                        RowOps.Clear(dst + ((nint)t * cg), cg);
                }
            }
        }
    }

    /// <summary><see cref="Accumulate"/> on pinned, checked pointers; row r starts at col + r·ldcol.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AccumulateRows(in Conv2DGeometry g, float* col, nint ldcol, int group, int firstPixel, int rows, float* dx, VectorWidth width)
    {
        var walk = new PixelWalk(in g, firstPixel);
        int kw = g.KernelWidth, cg = g.GroupInputChannels, c = g.InputChannels, w = g.InputWidth;
        nint tapRow = (nint)kw * cg;
        bool adjacentTaps = g.DilationWidth == 1 && cg == c;
        for (int r = 0; r < rows; r++, walk.Next())
        {
            float* src = col + (r * ldcol);
            float* image = dx + ((nint)walk.N * g.InputHeight * w * c) + ((nint)group * cg);
            int iw0 = (walk.Ow * g.StrideWidth) - g.PadLeft;
            for (int kh = 0; kh < g.KernelHeight; kh++, src += tapRow)
            {
                int ih = (walk.Oh * g.StrideHeight) - g.PadTop + (kh * g.DilationHeight);
                if ((uint)ih >= (uint)g.InputHeight)
                    continue;

                float* row = image + ((nint)ih * w * c);
                if (adjacentTaps)
                {
                    int lo = Math.Clamp(-iw0, 0, kw), hi = Math.Clamp(w - iw0, lo, kw);
                    RowOps.Add(row + ((nint)(iw0 + lo) * c), src + ((nint)lo * c), (nint)(hi - lo) * c, width);
                    continue;
                }

                for (int t = 0; t < kw; t++)
                {
                    int iw = iw0 + (t * g.DilationWidth);
                    if ((uint)iw < (uint)w)
                        RowOps.Add(row + ((nint)iw * c), src + ((nint)t * cg), cg, width);
                }
            }
        }
    }

    /// <summary>
    /// The transposed (tap-major) column matrix: colT[k, r] = tap k of output pixel firstPixel + r's window in group
    /// <paramref name="group"/>, row k at colT + k·ldcol. For a few channels (a first layer) it is built from runs of
    /// an input row, one per tap and output row, instead of a handful of floats per pixel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void PackTransposedRows(in Conv2DGeometry g, float* x, int group, int firstPixel, int rows, float* colT, nint ldcol)
    {
        var walk = new PixelWalk(in g, firstPixel);
        int c = g.InputChannels, cg = g.GroupInputChannels, w = g.InputWidth, sw = g.StrideWidth;
        for (int r0 = 0; r0 < rows;)
        {
            // One output row's run of pixels: ow in [walk.Ow, walk.Ow + count).
            int count = Math.Min(rows - r0, g.OutputWidth - walk.Ow);
            float* image = x + ((nint)walk.N * g.InputHeight * w * c) + ((nint)group * cg);
            float* dst = colT + r0;
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                int ih = (walk.Oh * g.StrideHeight) - g.PadTop + (kh * g.DilationHeight);
                float* row = (uint)ih < (uint)g.InputHeight ? image + ((nint)ih * w * c) : null;
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    int iw0 = (walk.Ow * sw) - g.PadLeft + (kw * g.DilationWidth);
                    (int lo, int hi) = row == null ? (count, count) : Inside(iw0, sw, w, count);
                    for (int ic = 0; ic < cg; ic++, dst += ldcol)
                    {
                        RowOps.Clear(dst, lo);
                        float* src = row + ic + ((nint)iw0 * c);
                        if (sw * c == 1)
                        {
                            RowOps.Copy(src + lo, dst + lo, hi - lo);
                        }
                        else
                        {
                            nint step = (nint)sw * c;
                            for (int r = lo; r < hi; r++)
                                dst[r] = src[r * step];
                        }

                        RowOps.Clear(dst + hi, count - hi);
                    }
                }
            }

            r0 += count;
            for (int i = 0; i < count; i++)
                walk.Next();
        }
    }

    /// <summary>The adjoint of <see cref="PackTransposedRows"/>: adds colT[k, r] onto the input position tap k of pixel firstPixel + r read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AccumulateTransposedRows(in Conv2DGeometry g, float* colT, nint ldcol, int group, int firstPixel, int rows, float* dx, VectorWidth width)
    {
        var walk = new PixelWalk(in g, firstPixel);
        int c = g.InputChannels, cg = g.GroupInputChannels, w = g.InputWidth, sw = g.StrideWidth;
        for (int r0 = 0; r0 < rows;)
        {
            int count = Math.Min(rows - r0, g.OutputWidth - walk.Ow);
            float* image = dx + ((nint)walk.N * g.InputHeight * w * c) + ((nint)group * cg);
            float* src = colT + r0;
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                int ih = (walk.Oh * g.StrideHeight) - g.PadTop + (kh * g.DilationHeight);
                float* row = (uint)ih < (uint)g.InputHeight ? image + ((nint)ih * w * c) : null;
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    int iw0 = (walk.Ow * sw) - g.PadLeft + (kw * g.DilationWidth);
                    (int lo, int hi) = row == null ? (count, count) : Inside(iw0, sw, w, count);
                    for (int ic = 0; ic < cg; ic++, src += ldcol)
                    {
                        float* dst = row + ic + ((nint)iw0 * c);
                        if (sw * c == 1)
                        {
                            RowOps.Add(dst + lo, src + lo, hi - lo, width);
                        }
                        else
                        {
                            nint step = (nint)sw * c;
                            for (int r = lo; r < hi; r++)
                                dst[r * step] += src[r];
                        }
                    }
                }
            }

            r0 += count;
            for (int i = 0; i < count; i++)
                walk.Next();
        }
    }

    /// <summary>The r in [0, count) whose column iw0 + r·stride lies in [0, width), as [lo, hi).</summary>
    /// <remarks>Stride 1, the common case, needs no division (an integer division costs as much as a dozen multiply-adds, and this runs once per tap).</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (int Lo, int Hi) Inside(int iw0, int stride, int width, int count)
    {
        if (stride == 1)
        {
            int first = Math.Clamp(-iw0, 0, count);
            return (first, Math.Clamp(width - iw0, first, count));
        }

        int lo = iw0 >= 0 ? 0 : Math.Min(count, (-iw0 + stride - 1) / stride);
        int hi = iw0 >= width ? lo : Math.Clamp(((width - 1 - iw0) / stride) + 1, lo, count);
        return (lo, hi);
    }

    private static void CheckRange(in Conv2DGeometry geometry, int group, int firstPixel, int rows)
    {
        geometry.ThrowIfDefault();
        ArgumentOutOfRangeException.ThrowIfNegative(group);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(group, geometry.Groups);
        ArgumentOutOfRangeException.ThrowIfNegative(firstPixel);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((long)firstPixel + rows, geometry.OutputPixels, nameof(rows));
    }
}
