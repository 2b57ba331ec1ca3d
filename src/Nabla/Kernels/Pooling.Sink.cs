namespace Nabla.Kernels;

internal static unsafe partial class Pooling
{
    /// <summary>
    /// Whether <paramref name="pool"/> can take a convolution's output block by block (<see cref="MaxPoolSink"/>):
    /// windows that tile whole rows of one image (stride equal to the pool, no padding, and a pool height that divides
    /// the image's rows), so that a block of whole pool rows holds every window it needs.
    /// </summary>
    /// <param name="pool">The pooling of the convolution's output.</param>
    public static bool CanPoolBlocks(in Pool2DGeometry pool) =>
        pool.StrideHeight == pool.PoolHeight && pool.StrideWidth == pool.PoolWidth && pool.PadTop == 0 && pool.PadLeft == 0
        && pool.InputHeight % pool.PoolHeight == 0 && pool.OutputHeight == pool.InputHeight / pool.PoolHeight;

    /// <summary>Max pooling of a convolution's output as the convolution finishes each block of it (see <see cref="IOutputSink"/>).</summary>
    /// <remarks>
    /// Each window goes through the values-only fold of an unfused <see cref="MaxForward"/> without an argmax, so the
    /// pooled output is the same bits. The calling thread owns the sink: <see cref="Start"/> points it at one call's
    /// output, and the workers only read it during that call.
    /// </remarks>
    internal sealed class MaxPoolSink : IOutputSink
    {
        [ThreadStatic]
        private static MaxPoolSink? t_sink;

        private Pool2DGeometry _pool;
        private float* _y;
        private VectorWidth _width;

        /// <inheritdoc/>
        public int RowMultiple => _pool.PoolHeight;

        /// <summary>The calling thread's sink, set to pool into <paramref name="y"/> (pinned for the call) by <paramref name="pool"/>.</summary>
        /// <param name="pool">The pooling; <see cref="CanPoolBlocks"/> must hold.</param>
        /// <param name="y">The pooled output [Batch, OutputHeight, OutputWidth, Channels].</param>
        public static MaxPoolSink Start(in Pool2DGeometry pool, float* y)
        {
            MaxPoolSink sink = t_sink ??= new MaxPoolSink();
            sink._pool = pool;
            sink._y = y;
            sink._width = VectorWidth.Current;
            return sink;
        }

        /// <inheritdoc/>
        public void Consume(float* block, int firstRow, int rows)
        {
            Pool2DGeometry g = _pool;
            int c = g.Channels, ph = g.PoolHeight, pw = g.PoolWidth, ow = g.OutputWidth;
            nint rowPitch = (nint)g.InputWidth * c;
            for (int r = 0; r < rows; r += ph)
            {
                float* y = _y + ((nint)(firstRow + r) / ph * ow * c);
                MaxWindowRowValues(block, r * rowPitch, ph, pw, rowPitch, c, y, _width, ow, (nint)pw * c);
            }
        }
    }
}
