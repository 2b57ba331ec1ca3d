namespace Nabla.Kernels;

internal static unsafe partial class Pooling
{
    /// <summary>
    /// Whether <paramref name="pool"/> can take a convolution's output block by block (<see cref="MaxPoolSink"/>):
    /// whole windows that tile rows of one image (stride equal to the pool, no padding, a pool height that divides the
    /// image's rows, and no window cut short by the right edge, as "same" padding cuts the last one of an odd width),
    /// so that a block of whole pool rows holds every window it needs and every window is full.
    /// </summary>
    /// <param name="pool">The pooling of the convolution's output.</param>
    public static bool CanPoolBlocks(in Pool2DGeometry pool) =>
        pool.StrideHeight == pool.PoolHeight && pool.StrideWidth == pool.PoolWidth && pool.PadTop == 0 && pool.PadLeft == 0
        && pool.InputHeight % pool.PoolHeight == 0 && pool.OutputHeight == pool.InputHeight / pool.PoolHeight
        && pool.OutputWidth == pool.InputWidth / pool.PoolWidth;

    /// <summary>Max pooling of a convolution's output as the convolution finishes each block of it (see <see cref="IOutputSink"/>).</summary>
    /// <remarks>
    /// Each window goes through the fold of an unfused <see cref="MaxForward"/>: the values-only one without an argmax,
    /// the one that tracks the index with it (for training, whose backward pass scatters the gradient by it), so the
    /// pooled output and the indices are the same bits. The indices are flat indices into the whole convolution output,
    /// which is never written out: a block's position comes from its first row. The calling thread owns the sink:
    /// <see cref="Start"/> points it at one call's output, and the workers only read it during that call.
    /// </remarks>
    internal sealed class MaxPoolSink : IOutputSink
    {
        [ThreadStatic]
        private static MaxPoolSink? t_sink;

        private Pool2DGeometry _pool;
        private float* _y;
        private int* _argmax;
        private VectorWidth _width;

        /// <inheritdoc/>
        public int RowMultiple => _pool.PoolHeight;

        /// <summary>The calling thread's sink, set to pool into <paramref name="y"/> (pinned for the call) by <paramref name="pool"/>.</summary>
        /// <param name="pool">The pooling; <see cref="CanPoolBlocks"/> must hold.</param>
        /// <param name="y">The pooled output [Batch, OutputHeight, OutputWidth, Channels].</param>
        /// <param name="argmax">
        /// Null, or the indices [Batch, OutputHeight, OutputWidth, Channels] into the convolution's output, as
        /// <see cref="MaxForward"/> writes them.
        /// </param>
        public static MaxPoolSink Start(in Pool2DGeometry pool, float* y, int* argmax = null)
        {
            MaxPoolSink sink = t_sink ??= new MaxPoolSink();
            sink._pool = pool;
            sink._y = y;
            sink._argmax = argmax;
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
                nint o = (nint)(firstRow + r) / ph * ow * c;
                if (_argmax == null)
                {
                    MaxWindowRowValues(block, r * rowPitch, ph, pw, rowPitch, c, _y + o, _width, ow, (nint)pw * c);
                    continue;
                }

                // The fold indexes from its base pointer: based where the whole output would start, it writes flat
                // indices into that output while it reads only this block's rows.
                float* origin = block - ((nint)firstRow * rowPitch);
                MaxWindowRow(origin, (nint)(firstRow + r) * rowPitch, ph, pw, rowPitch, c, _y + o, _argmax + o, _width, ow);
            }
        }
    }
}
