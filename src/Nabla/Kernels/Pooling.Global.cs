namespace Nabla.Kernels;

internal static partial class Pooling
{
    /// <summary>y[n, c] = the mean of x[n, :, :, c] over the height·width positions (GlobalAveragePooling2D, and 1-D with height 1).</summary>
    /// <param name="x">Input [batch, height, width, channels].</param>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="height">Rows, at least 1.</param>
    /// <param name="width">Columns, at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="y">Output [batch, channels], overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short, or y overlaps x.</exception>
    public static void GlobalAverageForward(ReadOnlySpan<float> x, int batch, int height, int width, int channels, Span<float> y) =>
        AverageForward(Global(batch, height, width, channels), x, y);

    /// <summary>dx[n, h, w, c] = dy[n, c] / (height·width), or dx += it.</summary>
    /// <param name="dy">Output gradient [batch, channels].</param>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="height">Rows, at least 1.</param>
    /// <param name="width">Columns, at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="dx">Input gradient [batch, height, width, channels].</param>
    /// <param name="accumulate">Add to dx instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short, or dx overlaps dy.</exception>
    public static void GlobalAverageBackward(ReadOnlySpan<float> dy, int batch, int height, int width, int channels, Span<float> dx, bool accumulate = false) =>
        AverageBackward(Global(batch, height, width, channels), dy, dx, accumulate);

    /// <summary>y[n, c] = the maximum of x[n, :, :, c]; argmax[n, c] = its flat index in x when argmax is not empty (GlobalMaxPooling2D).</summary>
    /// <param name="x">Input [batch, height, width, channels].</param>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="height">Rows, at least 1.</param>
    /// <param name="width">Columns, at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="y">Output [batch, channels], overwritten.</param>
    /// <param name="argmax">Empty, or [batch, channels] flat indices into x, overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    /// <exception cref="ArgumentException">A span is too short, or y overlaps x.</exception>
    public static void GlobalMaxForward(ReadOnlySpan<float> x, int batch, int height, int width, int channels, Span<float> y, Span<int> argmax) =>
        MaxForward(Global(batch, height, width, channels), x, y, argmax);

    /// <summary>dx[argmax[n, c]] += dy[n, c], dx cleared first unless <paramref name="accumulate"/>.</summary>
    /// <param name="dy">Output gradient [batch, channels].</param>
    /// <param name="argmax">The indices <see cref="GlobalMaxForward"/> wrote.</param>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="height">Rows, at least 1.</param>
    /// <param name="width">Columns, at least 1.</param>
    /// <param name="channels">Channels, at least 1.</param>
    /// <param name="dx">Input gradient [batch, height, width, channels].</param>
    /// <param name="accumulate">Add to dx instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range, or an index lies outside its image.</exception>
    /// <exception cref="ArgumentException">A span is too short, or dx overlaps dy.</exception>
    public static void GlobalMaxBackward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, int batch, int height, int width, int channels, Span<float> dx, bool accumulate = false) =>
        MaxBackward(Global(batch, height, width, channels), dy, argmax, dx, accumulate);

    // One valid window over the whole image: a 1×1 output per image.
    private static Pool2DGeometry Global(int batch, int height, int width, int channels) =>
        Pool2DGeometry.Create(batch, height, width, channels, height, width, 1, 1, PaddingMode.Valid);
}
