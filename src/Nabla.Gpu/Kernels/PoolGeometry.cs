namespace Nabla.Gpu.Kernels;

/// <summary>
/// The shapes of one channels-last 2-D pooling as a kernel argument, with the CPU engine's conventions (<c>Pool2DGeometry</c>):
/// output (oh, ow) pools input rows oh·StrideHeight − PadTop + [0, PoolHeight) and columns likewise, clipped to the input;
/// padded positions take no part (neither in a maximum nor in an average's count).
/// </summary>
internal readonly record struct PoolGeometry(
    int Batch, int InputHeight, int InputWidth, int Channels, int PoolHeight, int PoolWidth, int StrideHeight, int StrideWidth,
    int PadTop, int PadLeft, int OutputHeight, int OutputWidth)
{
    /// <summary>Floats in x.</summary>
    public int InputLength => Batch * InputHeight * InputWidth * Channels;

    /// <summary>Floats in y.</summary>
    public int OutputLength => Batch * OutputHeight * OutputWidth * Channels;

    /// <summary>The geometry Keras's "valid" or "same" padding gives (strides default to the pool size in Keras; pass them).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range or the window does not fit.</exception>
    public static PoolGeometry Create(int batch, int height, int width, int channels, int poolHeight, int poolWidth,
        int strideHeight, int strideWidth, bool same)
    {
        foreach (int v in new[] { height, width, channels, poolHeight, poolWidth, strideHeight, strideWidth })
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(v, 1);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        (int oh, int top) = ConvGeometry.Axis(height, poolHeight, strideHeight, 1, same);
        (int ow, int left) = ConvGeometry.Axis(width, poolWidth, strideWidth, 1, same);
        if (oh < 1 || ow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(poolHeight), $"PoolGeometry: a {poolHeight}×{poolWidth} window does not fit a {height}×{width} input with padding \"valid\".");
        }

        return new PoolGeometry(batch, height, width, channels, poolHeight, poolWidth, strideHeight, strideWidth, top, left, oh, ow);
    }
}
