using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

internal static unsafe partial class Pooling
{
    /// <summary>y = the maximum of each window; argmax[i] = the index in x of the value y[i] took, when argmax is not empty.</summary>
    /// <param name="geometry">The shapes.</param>
    /// <param name="x">Input [Batch, InputHeight, InputWidth, Channels].</param>
    /// <param name="y">Output [Batch, OutputHeight, OutputWidth, Channels], overwritten.</param>
    /// <param name="argmax">Empty, or [Batch, OutputHeight, OutputWidth, Channels] flat indices into x, overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is default, a span is too short, or y overlaps x.</exception>
    public static void MaxForward(in Pool2DGeometry geometry, ReadOnlySpan<float> x, Span<float> y, Span<int> argmax)
    {
        CheckForward(in geometry, x, y);
        if (!argmax.IsEmpty && argmax.Length < geometry.OutputLength)
            ThrowHelper.DestinationTooShort(nameof(argmax), geometry.OutputLength, argmax.Length);
        if (geometry.OutputLength == 0)
            return;
        fixed (float* px = x, py = y)
        fixed (int* pa = argmax)
        {
            var work = new MaxForwardWork { G = geometry, X = px, Y = py, Argmax = argmax.IsEmpty ? null : pa, RowsPerItem = RowsPerItem(in geometry), Width = VectorWidth.Current };
            RunForward(in geometry, work.RowsPerItem, ref work);
        }
    }

    /// <summary>dx[argmax[i]] += dy[i] for every output i (dx cleared first unless <paramref name="accumulate"/>).</summary>
    /// <param name="geometry">The shapes.</param>
    /// <param name="dy">Output gradient [Batch, OutputHeight, OutputWidth, Channels].</param>
    /// <param name="argmax">The indices <see cref="MaxForward"/> wrote.</param>
    /// <param name="dx">Input gradient [Batch, InputHeight, InputWidth, Channels].</param>
    /// <param name="accumulate">Add to dx instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentException">The geometry is default, a span is too short, or dx overlaps dy.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index in argmax lies outside its image of x, or (disjoint windows) outside its window.</exception>
    public static void MaxBackward(in Pool2DGeometry geometry, ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, bool accumulate = false)
    {
        CheckBackward(in geometry, dy, dx);
        if (argmax.Length < geometry.OutputLength)
            ThrowHelper.SourceTooShort(nameof(argmax), geometry.OutputLength, argmax.Length);
        if (geometry.Batch == 0)
            return;
        fixed (float* pdy = dy, pdx = dx)
        fixed (int* pa = argmax)
        {
            var work = new MaxBackwardWork { G = geometry, Dy = pdy, Argmax = pa, Dx = pdx, Accumulate = accumulate, Width = VectorWidth.Current };
            SpatialThreads.Run(geometry.Batch, SpatialThreads.PartsForElements(2.0 * geometry.OutputLength, geometry.Batch), ref work);
        }
    }

    private struct MaxForwardWork : IWorkItems
    {
        public Pool2DGeometry G;
        public float* X, Y;
        public int* Argmax;
        public int RowsPerItem;
        public VectorWidth Width;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = G.Channels;
            int firstRow = item * RowsPerItem, lastRow = Math.Min(firstRow + RowsPerItem, G.Batch * G.OutputHeight);
            for (int outputRow = firstRow; outputRow < lastRow; outputRow++)
            {
                int n = outputRow / G.OutputHeight, oh = outputRow - (n * G.OutputHeight);
                for (int ow = 0; ow < G.OutputWidth; ow++)
                {
                    nint o = (((nint)outputRow * G.OutputWidth) + ow) * c;
                    (int h0, int h1, int w0, int w1) = Window(in G, oh, ow);
                    nint rowPitch = (nint)G.InputWidth * c, first = ((((nint)n * G.InputHeight) + h0) * G.InputWidth * c) + ((nint)w0 * c);
                    if (Argmax == null)
                        MaxWindowValues(X, first, h1 - h0, w1 - w0, rowPitch, c, Y + o, Width);
                    else
                        MaxWindowRow(X, first, h1 - h0, w1 - w0, rowPitch, c, Y + o, Argmax + o, Width, 1);
                }
            }
        }
    }

    private struct MaxBackwardWork : IWorkItems
    {
        public Pool2DGeometry G;
        public float* Dy, Dx;
        public int* Argmax;
        public bool Accumulate;
        public VectorWidth Width;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = G.Channels, imageLength = G.InputHeight * G.InputWidth * c, outputs = G.OutputHeight * G.OutputWidth * c;
            nint start = (nint)item * imageLength;
            float* dy = Dy + ((nint)item * outputs);
            int* argmax = Argmax + ((nint)item * outputs);
            if (G.StrideHeight >= G.PoolHeight && G.StrideWidth >= G.PoolWidth)
            {
                Gather(item, start, dy, argmax);
                return;
            }

            if (!Accumulate)
                new Span<float>(Dx + start, imageLength).Clear();
            for (int i = 0; i < outputs; i++)
            {
                nint at = argmax[i] - start;
                if ((nuint)at >= (nuint)imageLength)
                    throw new ArgumentOutOfRangeException(nameof(argmax), argmax[i], $"Pooling.MaxBackward: argmax index {argmax[i]} of image {item} lies outside that image's elements [{start}, {start + imageLength}) of x.");
                Dx[start + at] += dy[i];
            }
        }

        // Disjoint windows (stride at least the pool size, as in the usual 2×2 / 2 pooling): every input position lies in
        // at most one window, so dx is written window by window, each position taking its output's gradient where the
        // argmax points at it and 0 elsewhere: one pass over dx instead of clearing it and scattering into it. Positions
        // no window covers are cleared first (when there are any).
        private readonly void Gather(int item, nint start, float* dy, int* argmax)
        {
            int c = G.Channels;
            nint rowPitch = (nint)G.InputWidth * c;
            bool covered = G.StrideHeight == G.PoolHeight && G.StrideWidth == G.PoolWidth
                && ((G.OutputHeight - 1) * G.StrideHeight) - G.PadTop + G.PoolHeight >= G.InputHeight
                && ((G.OutputWidth - 1) * G.StrideWidth) - G.PadLeft + G.PoolWidth >= G.InputWidth;
            if (!Accumulate && !covered)
                new Span<float>(Dx + start, G.InputHeight * G.InputWidth * c).Clear();
            for (int oh = 0; oh < G.OutputHeight; oh++)
            {
                for (int ow = 0; ow < G.OutputWidth; ow++)
                {
                    nint o = (((nint)oh * G.OutputWidth) + ow) * c;
                    (int h0, int h1, int w0, int w1) = Window(in G, oh, ow);
                    nint first = start + (h0 * rowPitch) + ((nint)w0 * c);
                    bool found = Is2x2Vectorized(h1 - h0, w1 - w0, c, Width)
                        ? GatherWindow2x2(Dx, first, rowPitch, c, dy + o, argmax + o, Accumulate)
                        : GatherWindow(Dx, first, h1 - h0, w1 - w0, rowPitch, c, dy + o, argmax + o, Accumulate, Width);
                    if (!found)
                        throw new ArgumentOutOfRangeException(nameof(argmax), $"Pooling.MaxBackward: an argmax index of image {item}, output ({oh}, {ow}) does not point into its {h1 - h0}×{w1 - w0} window; pass the indices MaxForward wrote for the same geometry.");
                }
            }
        }
    }

    // For one window: dx[at] (+)= dy[c] where argmax[c] == at, else (+)= 0, over the window's positions; false when
    // some channel's argmax matched no position.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool GatherWindow(float* dx, nint first, int rows, int cols, nint rowPitch, int c, float* dy, int* argmax, bool accumulate, VectorWidth width)
    {
        int ch = 0;
        bool ok = true;
        if (width.Use512)
        {
            for (; ch <= c - 16; ch += 16)
            {
                Vector512<int> target = Vector512.Load(argmax + ch), found = Vector512<int>.Zero;
                Vector512<float> g = Vector512.Load(dy + ch);
                for (int r = 0; r < rows; r++)
                {
                    for (int q = 0; q < cols; q++)
                    {
                        nint at = first + ch + (r * rowPitch) + ((nint)q * c);
                        Vector512<int> hit = Vector512.Equals(target, Vector512.Create((int)at) + Vector512<int>.Indices);
                        found |= hit;
                        Vector512<float> v = g & hit.AsSingle();
                        (accumulate ? v + Vector512.Load(dx + at) : v).Store(dx + at);
                    }
                }

                ok &= found == Vector512<int>.AllBitsSet;
            }
        }

        if (width.Use256)
        {
            for (; ch <= c - 8; ch += 8)
            {
                Vector256<int> target = Vector256.Load(argmax + ch), found = Vector256<int>.Zero;
                Vector256<float> g = Vector256.Load(dy + ch);
                for (int r = 0; r < rows; r++)
                {
                    for (int q = 0; q < cols; q++)
                    {
                        nint at = first + ch + (r * rowPitch) + ((nint)q * c);
                        Vector256<int> hit = Vector256.Equals(target, Vector256.Create((int)at) + Vector256<int>.Indices);
                        found |= hit;
                        Vector256<float> v = g & hit.AsSingle();
                        (accumulate ? v + Vector256.Load(dx + at) : v).Store(dx + at);
                    }
                }

                ok &= found == Vector256<int>.AllBitsSet;
            }
        }

        for (; ch < c; ch++)
        {
            bool hitAny = false;
            for (int r = 0; r < rows; r++)
            {
                for (int q = 0; q < cols; q++)
                {
                    nint at = first + ch + (r * rowPitch) + ((nint)q * c);
                    bool hit = argmax[ch] == at;
                    hitAny |= hit;
                    float v = hit ? dy[ch] : 0f;
                    dx[at] = accumulate ? dx[at] + v : v;
                }
            }

            ok &= hitAny;
        }

        return ok;
    }

    // MaxWindow for `pixels` windows of one size side by side, window i starting cols·c floats after window i − 1 and
    // its output and indices c after i − 1 (a row of a pooling that tiles its input); 2 × 2 windows of whole vectors
    // take their unrolled fold, the same values and indices.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxWindowRow(float* x, nint first, int rows, int cols, nint rowPitch, int c, float* y, int* argmax, VectorWidth width, int pixels)
    {
        if (Is2x2Vectorized(rows, cols, c, width))
        {
            MaxWindowRow2x2(x, first, rowPitch, c, y, argmax, pixels);
            return;
        }

        for (int i = 0; i < pixels; i++, first += (nint)cols * c, y += c, argmax += c)
            MaxWindow(x, first, rows, cols, rowPitch, c, y, argmax, width);
    }

    // y[c] = max over the window's rows × cols positions (pitch rowPitch between rows, c floats per position) of
    // x[first + …, c]; argmax[c] = the flat index it came from. The first position seeds the maximum, and a later one
    // replaces it only if strictly larger, or NaN over a number, so ties and NaN keep the first.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MaxWindow(float* x, nint first, int rows, int cols, nint rowPitch, int c, float* y, int* argmax, VectorWidth width)
    {
        int ch = 0;
        if (width.Use512)
        {
            for (; ch <= c - 16; ch += 16)
            {
                nint seed = first + ch;
                Vector512<float> best = Vector512.Load(x + seed);
                Vector512<int> index = Vector512.Create((int)seed) + Vector512<int>.Indices;
                for (int r = 0; r < rows; r++)
                {
                    for (int q = 0; q < cols; q++)
                    {
                        nint at = seed + (r * rowPitch) + ((nint)q * c);
                        Vector512<float> v = Vector512.Load(x + at);
                        Vector512<float> better = Vector512.GreaterThan(v, best) | (~Vector512.Equals(v, v) & Vector512.Equals(best, best));
                        best = Vector512.ConditionalSelect(better, v, best);
                        index = Vector512.ConditionalSelect(better.AsInt32(), Vector512.Create((int)at) + Vector512<int>.Indices, index);
                    }
                }

                best.Store(y + ch);
                if (argmax != null)
                    index.Store(argmax + ch);
            }
        }

        if (width.Use256)
        {
            for (; ch <= c - 8; ch += 8)
            {
                nint seed = first + ch;
                Vector256<float> best = Vector256.Load(x + seed);
                Vector256<int> index = Vector256.Create((int)seed) + Vector256<int>.Indices;
                for (int r = 0; r < rows; r++)
                {
                    for (int q = 0; q < cols; q++)
                    {
                        nint at = seed + (r * rowPitch) + ((nint)q * c);
                        Vector256<float> v = Vector256.Load(x + at);
                        Vector256<float> better = Vector256.GreaterThan(v, best) | (~Vector256.Equals(v, v) & Vector256.Equals(best, best));
                        best = Vector256.ConditionalSelect(better, v, best);
                        index = Vector256.ConditionalSelect(better.AsInt32(), Vector256.Create((int)at) + Vector256<int>.Indices, index);
                    }
                }

                best.Store(y + ch);
                if (argmax != null)
                    index.Store(argmax + ch);
            }
        }

        for (; ch < c; ch++)
        {
            nint seed = first + ch, bestAt = seed;
            float best = x[seed];
            for (int r = 0; r < rows; r++)
            {
                for (int q = 0; q < cols; q++)
                {
                    nint at = seed + (r * rowPitch) + ((nint)q * c);
                    float v = x[at];
                    if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                    {
                        best = v;
                        bestAt = at;
                    }
                }
            }

            y[ch] = best;
            if (argmax != null)
                argmax[ch] = (int)bestAt;
        }
    }
}
