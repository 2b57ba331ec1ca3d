using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

/// <summary>Reshaping kernels over channels-last (NHWC) images: zero padding, cropping and nearest-neighbour upsampling, with their adjoints.</summary>
/// <remarks>
/// <para>
/// <see cref="Pad2D"/> (Keras ZeroPadding2D) and <see cref="Crop2D"/> (Cropping2D) are each other's adjoint: the
/// backward pass of padding crops the gradient with the same amounts, and the backward pass of cropping pads it with
/// zeros. <see cref="UpSample2D"/> (UpSampling2D, interpolation "nearest") repeats every pixel into a sizeH × sizeW
/// block; its backward pass, <see cref="UpSample2DBackward"/>, sums each block. 1-D versions are height 1.
/// </para>
/// <para>
/// Rows of pixels are contiguous runs of width·channels floats and move as blocks; work is split over threads by
/// output rows. Outputs must not overlap inputs (checked). A warm call allocates nothing.
/// </para>
/// </remarks>
internal static unsafe class Resize
{
    // Output rows an item covers at least.
    private const int ItemFloats = 1 << 13;

    /// <summary>y [batch, height + top + bottom, width + left + right, channels] = x surrounded by zeros.</summary>
    /// <param name="x">Input [batch, height, width, channels].</param>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="height">Input rows, at least 1.</param>
    /// <param name="width">Input columns, at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="top">Zero rows above, 0 or more.</param>
    /// <param name="bottom">Zero rows below, 0 or more.</param>
    /// <param name="left">Zero columns left, 0 or more.</param>
    /// <param name="right">Zero columns right, 0 or more.</param>
    /// <param name="y">Output, overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or padding is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short, or y overlaps x.</exception>
    public static void Pad2D(ReadOnlySpan<float> x, int batch, int height, int width, int channels, int top, int bottom, int left, int right, Span<float> y)
    {
        CheckImage(batch, height, width, channels, top, bottom, left, right);
        long outH = (long)height + top + bottom, outW = (long)width + left + right;
        Copy(x, batch, height, width, channels, y, (int)Math.Min(outH, int.MaxValue), (int)Math.Min(outW, int.MaxValue), top, left, nameof(Pad2D));
    }

    /// <summary>y [batch, height − top − bottom, width − left − right, channels] = x without its borders.</summary>
    /// <param name="x">Input [batch, height, width, channels].</param>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="height">Input rows, at least 1.</param>
    /// <param name="width">Input columns, at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="top">Rows removed above, 0 or more.</param>
    /// <param name="bottom">Rows removed below, 0 or more.</param>
    /// <param name="left">Columns removed left, 0 or more.</param>
    /// <param name="right">Columns removed right, 0 or more.</param>
    /// <param name="y">Output, overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range, or the cropping leaves no row or column.</exception>
    /// <exception cref="ArgumentException">A span is too short, or y overlaps x.</exception>
    public static void Crop2D(ReadOnlySpan<float> x, int batch, int height, int width, int channels, int top, int bottom, int left, int right, Span<float> y)
    {
        CheckImage(batch, height, width, channels, top, bottom, left, right);
        long outH = (long)height - top - bottom, outW = (long)width - left - right;
        if (outH < 1 || outW < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(top),
                $"Crop2D: cropping {top}+{bottom} rows and {left}+{right} columns leaves nothing of a {height}×{width} image; it must leave at least one row and one column.");
        }

        Copy(x, batch, height, width, channels, y, (int)outH, (int)outW, -top, -left, nameof(Crop2D));
    }

    /// <summary>Nearest-neighbour upsampling: y[n, h·sizeH + i, w·sizeW + j, c] = x[n, h, w, c].</summary>
    /// <param name="x">Input [batch, height, width, channels].</param>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="height">Input rows, at least 1.</param>
    /// <param name="width">Input columns, at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="sizeH">Row repeat, at least 1.</param>
    /// <param name="sizeW">Column repeat, at least 1.</param>
    /// <param name="y">Output [batch, height·sizeH, width·sizeW, channels], overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short, or y overlaps x.</exception>
    public static void UpSample2D(ReadOnlySpan<float> x, int batch, int height, int width, int channels, int sizeH, int sizeW, Span<float> y)
    {
        (int inputLength, int outputLength) = CheckUpSample(batch, height, width, channels, sizeH, sizeW);
        CheckSpans(x, inputLength, nameof(x), y, outputLength, nameof(y));
        fixed (float* px = x, py = y)
        {
            int rowsPerItem = RowsPerItem(width * sizeW * sizeH * channels);
            var work = new UpSampleWork { X = px, Y = py, Rows = batch * height, Width = width, Channels = channels, SizeH = sizeH, SizeW = sizeW, RowsPerItem = rowsPerItem };
            RunRows(batch * height, rowsPerItem, outputLength, ref work);
        }
    }

    /// <summary>dx[n, h, w, c] = Σ_{i &lt; sizeH, j &lt; sizeW} dy[n, h·sizeH + i, w·sizeW + j, c], or dx += it.</summary>
    /// <param name="dy">Output gradient [batch, height·sizeH, width·sizeW, channels].</param>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="height">Input rows, at least 1.</param>
    /// <param name="width">Input columns, at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="sizeH">Row repeat, at least 1.</param>
    /// <param name="sizeW">Column repeat, at least 1.</param>
    /// <param name="dx">Input gradient [batch, height, width, channels].</param>
    /// <param name="accumulate">Add to dx instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short, or dx overlaps dy.</exception>
    public static void UpSample2DBackward(ReadOnlySpan<float> dy, int batch, int height, int width, int channels, int sizeH, int sizeW, Span<float> dx, bool accumulate = false)
    {
        (int inputLength, int outputLength) = CheckUpSample(batch, height, width, channels, sizeH, sizeW);
        CheckSpans(dy, outputLength, nameof(dy), dx, inputLength, nameof(dx));
        fixed (float* pdy = dy, pdx = dx)
        {
            int rowsPerItem = RowsPerItem(width * sizeW * sizeH * channels);
            var work = new UpSampleBackwardWork
            {
                Dy = pdy,
                Dx = pdx,
                Rows = batch * height,
                RowsPerItem = rowsPerItem,
                Width = width,
                Channels = channels,
                SizeH = sizeH,
                SizeW = sizeW,
                Accumulate = accumulate,
                VectorWidth = VectorWidth.Current,
            };
            RunRows(batch * height, rowsPerItem, outputLength, ref work);
        }
    }

    // Rows per item when each row moves rowFloats floats.
    private static int RowsPerItem(int rowFloats) => Math.Max(1, ItemFloats / Math.Max(1, rowFloats));

    // Runs the work over 'rows' rows in items of rowsPerItem rows.
    private static void RunRows<TWork>(int rows, int rowsPerItem, int moved, ref TWork work)
        where TWork : struct, IWorkItems
    {
        int items = (rows + rowsPerItem - 1) / rowsPerItem;
        SpatialThreads.Run(items, SpatialThreads.PartsForElements(moved, items), ref work);
    }

    // y's rows [0, outH) × columns [0, outW) take x's rows shifted by (dy, dx): y[i, j] = x[i − dy, j − dx] where that
    // lies inside x, else 0. Padding shifts by (+top, +left), cropping by (−top, −left).
    private static void Copy(ReadOnlySpan<float> x, int batch, int height, int width, int channels, Span<float> y,
        int outH, int outW, int shiftH, int shiftW, string operation)
    {
        long inputLength = (long)batch * height * width * channels, outputLength = (long)batch * outH * outW * channels;
        if (outputLength > int.MaxValue || inputLength > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(batch), $"{operation}: the input ({inputLength}) and output ({outputLength}) must each fit in a span.");
        CheckSpans(x, (int)inputLength, nameof(x), y, (int)outputLength, nameof(y));
        fixed (float* px = x, py = y)
        {
            int rowsPerItem = RowsPerItem(outW * channels);
            var work = new CopyWork { X = px, Y = py, Rows = batch * outH, Height = height, Width = width, Channels = channels, OutH = outH, OutW = outW, ShiftH = shiftH, ShiftW = shiftW, RowsPerItem = rowsPerItem };
            RunRows(batch * outH, rowsPerItem, (int)outputLength, ref work);
        }
    }

    private static void CheckImage(int batch, int height, int width, int channels, int top, int bottom, int left, int right)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        ArgumentOutOfRangeException.ThrowIfNegative(bottom);
        ArgumentOutOfRangeException.ThrowIfNegative(left);
        ArgumentOutOfRangeException.ThrowIfNegative(right);
    }

    private static (int Input, int Output) CheckUpSample(int batch, int height, int width, int channels, int sizeH, int sizeW)
    {
        CheckImage(batch, height, width, channels, 0, 0, 0, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeH, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeW, 1);
        long input = (long)batch * height * width * channels, output = input * sizeH * sizeW;
        if (output > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(batch), $"UpSample2D: the output ({output} floats) must fit in a span.");
        return ((int)input, (int)output);
    }

    private static void CheckSpans(ReadOnlySpan<float> source, int sourceLength, string sourceName, Span<float> destination, int destinationLength, string destinationName)
    {
        if (source.Length < sourceLength)
            ThrowHelper.SourceTooShort(sourceName, sourceLength, source.Length);
        if (destination.Length < destinationLength)
            ThrowHelper.DestinationTooShort(destinationName, destinationLength, destination.Length);
        if (destination[..destinationLength].Overlaps(source))
            ThrowHelper.SpansOverlap(destinationName, sourceName);
    }

    private struct CopyWork : IWorkItems
    {
        public float* X, Y;
        public int Rows, Height, Width, Channels, OutH, OutW, ShiftH, ShiftW, RowsPerItem;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = Channels, first = item * RowsPerItem, last = Math.Min(first + RowsPerItem, Rows);
            for (int row = first; row < last; row++)
            {
                int n = row / OutH, i = row - (n * OutH), source = i - ShiftH;
                float* y = Y + ((nint)row * OutW * c);
                if ((uint)source >= (uint)Height)
                {
                    RowOps.Clear(y, (nint)OutW * c);
                    continue;
                }

                // Columns j with 0 ≤ j − ShiftW < Width come from x; the rest are zero.
                int lo = Math.Clamp(ShiftW, 0, OutW), hi = Math.Clamp(Width + ShiftW, lo, OutW);
                float* x = X + ((((nint)n * Height) + source) * Width * c);
                RowOps.Clear(y, (nint)lo * c);
                RowOps.Copy(x + ((nint)(lo - ShiftW) * c), y + ((nint)lo * c), (nint)(hi - lo) * c);
                RowOps.Clear(y + ((nint)hi * c), (nint)(OutW - hi) * c);
            }
        }
    }

    private struct UpSampleWork : IWorkItems
    {
        public float* X, Y;
        public int Rows, Width, Channels, SizeH, SizeW, RowsPerItem;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = Channels;
            nint outRow = (nint)Width * SizeW * c;
            for (int row = item * RowsPerItem, last = Math.Min(row + RowsPerItem, Rows); row < last; row++)
            {
                float* x = X + ((nint)row * Width * c), y = Y + ((nint)row * SizeH * outRow);
                for (int w = 0; w < Width; w++)
                {
                    for (int j = 0; j < SizeW; j++)
                        RowOps.Copy(x + ((nint)w * c), y + ((((nint)w * SizeW) + j) * c), c);
                }

                for (int i = 1; i < SizeH; i++)
                    RowOps.Copy(y, y + (i * outRow), outRow);
            }
        }
    }

    private struct UpSampleBackwardWork : IWorkItems
    {
        public float* Dy, Dx;
        public int Rows, Width, Channels, SizeH, SizeW, RowsPerItem;
        public bool Accumulate;
        public VectorWidth VectorWidth;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = Channels;
            nint outRow = (nint)Width * SizeW * c;
            for (int row = item * RowsPerItem, last = Math.Min(row + RowsPerItem, Rows); row < last; row++)
            {
                float* dx = Dx + ((nint)row * Width * c), dy = Dy + ((nint)row * SizeH * outRow);
                if (!Accumulate)
                    RowOps.Clear(dx, (nint)Width * c);
                for (int i = 0; i < SizeH; i++)
                {
                    for (int w = 0; w < Width; w++)
                    {
                        for (int j = 0; j < SizeW; j++)
                            RowOps.Add(dx + ((nint)w * c), dy + (i * outRow) + ((((nint)w * SizeW) + j) * c), c, VectorWidth);
                    }
                }
            }
        }
    }
}
