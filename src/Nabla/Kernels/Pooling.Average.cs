using System.Runtime.CompilerServices;

namespace Nabla.Kernels;

internal static unsafe partial class Pooling
{
    /// <summary>y = the mean of each window over its positions inside the input (padding excluded from the count).</summary>
    /// <param name="geometry">The shapes.</param>
    /// <param name="x">Input [Batch, InputHeight, InputWidth, Channels].</param>
    /// <param name="y">Output [Batch, OutputHeight, OutputWidth, Channels], overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is default, a span is too short, or y overlaps x.</exception>
    public static void AverageForward(in Pool2DGeometry geometry, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckForward(in geometry, x, y);
        if (geometry.OutputLength == 0)
            return;
        fixed (float* px = x, py = y)
        {
            var work = new AverageForwardWork { G = geometry, X = px, Y = py, RowsPerItem = RowsPerItem(in geometry), Width = VectorWidth.Current };
            RunForward(in geometry, work.RowsPerItem, ref work);
        }
    }

    /// <summary>dx += dy / count spread over each window's positions inside the input (dx cleared first unless <paramref name="accumulate"/>).</summary>
    /// <param name="geometry">The shapes.</param>
    /// <param name="dy">Output gradient [Batch, OutputHeight, OutputWidth, Channels].</param>
    /// <param name="dx">Input gradient [Batch, InputHeight, InputWidth, Channels].</param>
    /// <param name="accumulate">Add to dx instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentException">The geometry is default, a span is too short, or dx overlaps dy.</exception>
    public static void AverageBackward(in Pool2DGeometry geometry, ReadOnlySpan<float> dy, Span<float> dx, bool accumulate = false)
    {
        CheckBackward(in geometry, dy, dx);
        if (geometry.Batch == 0)
            return;
        fixed (float* pdy = dy, pdx = dx)
        {
            var work = new AverageBackwardWork { G = geometry, Dy = pdy, Dx = pdx, Accumulate = accumulate, Width = VectorWidth.Current };
            double elements = (double)geometry.OutputLength * geometry.PoolHeight * geometry.PoolWidth;
            SpatialThreads.Run(geometry.Batch, SpatialThreads.PartsForElements(elements, geometry.Batch), ref work);
        }
    }

    private struct AverageForwardWork : IWorkItems
    {
        public Pool2DGeometry G;
        public float* X, Y;
        public int RowsPerItem;
        public VectorWidth Width;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = G.Channels;
            nint rowPitch = (nint)G.InputWidth * c;
            int firstRow = item * RowsPerItem, lastRow = Math.Min(firstRow + RowsPerItem, G.Batch * G.OutputHeight);
            for (int outputRow = firstRow; outputRow < lastRow; outputRow++)
            {
                int n = outputRow / G.OutputHeight, oh = outputRow - (n * G.OutputHeight);
                for (int ow = 0; ow < G.OutputWidth; ow++)
                {
                    float* y = Y + ((((nint)outputRow * G.OutputWidth) + ow) * c);
                    (int h0, int h1, int w0, int w1) = Window(in G, oh, ow);
                    float* first = X + ((((nint)n * G.InputHeight) + h0) * rowPitch) + ((nint)w0 * c);
                    RowOps.Copy(first, y, c);
                    for (int r = 0; r < h1 - h0; r++)
                    {
                        for (int q = r == 0 ? 1 : 0; q < w1 - w0; q++)
                            RowOps.Add(y, first + (r * rowPitch) + ((nint)q * c), c, Width);
                    }

                    RowOps.Scale(y, 1f / ((h1 - h0) * (w1 - w0)), c, Width);
                }
            }
        }
    }

    private struct AverageBackwardWork : IWorkItems
    {
        public Pool2DGeometry G;
        public float* Dy, Dx;
        public bool Accumulate;
        public VectorWidth Width;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int item)
        {
            int c = G.Channels;
            nint rowPitch = (nint)G.InputWidth * c, image = (nint)item * G.InputHeight * rowPitch;
            if (!Accumulate)
                new Span<float>(Dx + image, G.InputHeight * G.InputWidth * c).Clear();
            for (int oh = 0; oh < G.OutputHeight; oh++)
            {
                for (int ow = 0; ow < G.OutputWidth; ow++)
                {
                    float* dy = Dy + (((((nint)item * G.OutputHeight) + oh) * G.OutputWidth + ow) * c);
                    (int h0, int h1, int w0, int w1) = Window(in G, oh, ow);
                    float scale = 1f / ((h1 - h0) * (w1 - w0));
                    for (int h = h0; h < h1; h++)
                    {
                        for (int w = w0; w < w1; w++)
                            RowOps.AddScaled(Dx + image + (h * rowPitch) + ((nint)w * c), scale, dy, c, Width);
                    }
                }
            }
        }
    }
}
