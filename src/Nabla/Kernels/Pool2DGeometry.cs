using System.Globalization;

namespace Nabla.Kernels;

/// <summary>The shapes of one 2-D pooling over channels-last (NHWC) tensors: input, window, strides, padding and output.</summary>
/// <remarks>
/// Input x [Batch, InputHeight, InputWidth, Channels], output y [Batch, OutputHeight, OutputWidth, Channels]. Output
/// (oh, ow) pools input rows <c>oh·StrideHeight − PadTop + [0, PoolHeight)</c> and columns
/// <c>ow·StrideWidth − PadLeft + [0, PoolWidth)</c>, clipped to the input: padded positions take no part (neither in
/// a maximum nor in an average's count), as in TensorFlow. A 1-D pooling over [batch, steps, channels] is this with
/// InputHeight = PoolHeight = StrideHeight = 1 and the steps as the width.
/// </remarks>
internal readonly struct Pool2DGeometry : IEquatable<Pool2DGeometry>
{
    private Pool2DGeometry(int batch, int inputHeight, int inputWidth, int channels, int poolHeight, int poolWidth,
        int strideHeight, int strideWidth, int padTop, int padLeft, int outputHeight, int outputWidth)
    {
        Batch = batch;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        Channels = channels;
        PoolHeight = poolHeight;
        PoolWidth = poolWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        PadTop = padTop;
        PadLeft = padLeft;
        OutputHeight = outputHeight;
        OutputWidth = outputWidth;
    }

    /// <summary>Images in the batch (0 or more).</summary>
    public int Batch { get; }

    /// <summary>Input rows.</summary>
    public int InputHeight { get; }

    /// <summary>Input columns.</summary>
    public int InputWidth { get; }

    /// <summary>Channels (pooled independently).</summary>
    public int Channels { get; }

    /// <summary>Window rows.</summary>
    public int PoolHeight { get; }

    /// <summary>Window columns.</summary>
    public int PoolWidth { get; }

    /// <summary>Step between output rows, in input rows.</summary>
    public int StrideHeight { get; }

    /// <summary>Step between output columns, in input columns.</summary>
    public int StrideWidth { get; }

    /// <summary>Padded rows above the input (never pooled).</summary>
    public int PadTop { get; }

    /// <summary>Padded columns left of the input (never pooled).</summary>
    public int PadLeft { get; }

    /// <summary>Output rows.</summary>
    public int OutputHeight { get; }

    /// <summary>Output columns.</summary>
    public int OutputWidth { get; }

    /// <summary>Floats in x.</summary>
    public int InputLength => Batch * InputHeight * InputWidth * Channels;

    /// <summary>Floats in y.</summary>
    public int OutputLength => Batch * OutputHeight * OutputWidth * Channels;

    /// <summary>Geometry of a pooling padded the Keras way.</summary>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="inputHeight">Input rows.</param>
    /// <param name="inputWidth">Input columns.</param>
    /// <param name="channels">Channels.</param>
    /// <param name="poolHeight">Window rows.</param>
    /// <param name="poolWidth">Window columns.</param>
    /// <param name="strideHeight">Row stride (Keras defaults it to the pool size; the layer passes it).</param>
    /// <param name="strideWidth">Column stride.</param>
    /// <param name="padding">Valid or same (see <see cref="SpatialPadding"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range, a valid window does not fit, or the tensors exceed a span.</exception>
    public static Pool2DGeometry Create(int batch, int inputHeight, int inputWidth, int channels, int poolHeight, int poolWidth,
        int strideHeight, int strideWidth, PaddingMode padding)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(poolHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(poolWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideWidth, 1);
        (int outH, int top, _) = SpatialPadding.Compute(inputHeight, poolHeight, strideHeight, 1, padding);
        (int outW, int left, _) = SpatialPadding.Compute(inputWidth, poolWidth, strideWidth, 1, padding);
        if (outH < 1 || outW < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(poolHeight), string.Create(CultureInfo.InvariantCulture,
                $"Pooling: a {poolHeight}×{poolWidth} window is larger than the {inputHeight}×{inputWidth} input with padding \"valid\". Use padding \"same\" or a smaller pool size."));
        }

        long input = (long)batch * inputHeight * inputWidth * channels, output = (long)batch * outH * outW * channels;
        if (input > int.MaxValue || output > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), string.Create(CultureInfo.InvariantCulture,
                $"Pooling: input ({input}) and output ({output}) must each fit in a span of at most {int.MaxValue} floats."));
        }

        return new Pool2DGeometry(batch, inputHeight, inputWidth, channels, poolHeight, poolWidth, strideHeight, strideWidth, top, left, outH, outW);
    }

    /// <inheritdoc/>
    public bool Equals(Pool2DGeometry other) =>
        Batch == other.Batch && InputHeight == other.InputHeight && InputWidth == other.InputWidth && Channels == other.Channels
        && PoolHeight == other.PoolHeight && PoolWidth == other.PoolWidth && StrideHeight == other.StrideHeight
        && StrideWidth == other.StrideWidth && PadTop == other.PadTop && PadLeft == other.PadLeft
        && OutputHeight == other.OutputHeight && OutputWidth == other.OutputWidth;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Pool2DGeometry other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(HashCode.Combine(Batch, InputHeight, InputWidth, Channels),
        HashCode.Combine(PoolHeight, PoolWidth, StrideHeight, StrideWidth), HashCode.Combine(PadTop, PadLeft, OutputHeight, OutputWidth));

    /// <summary>Shapes as text, e.g. <c>[32, 28, 28, 32] pool 2×2 stride 2×2 pad 0/0 -> [32, 14, 14, 32]</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"[{Batch}, {InputHeight}, {InputWidth}, {Channels}] pool {PoolHeight}×{PoolWidth} stride {StrideHeight}×{StrideWidth} pad {PadTop}/{PadLeft} -> [{Batch}, {OutputHeight}, {OutputWidth}, {Channels}]");

    /// <summary>Throws unless this value came from <see cref="Create"/>.</summary>
    /// <exception cref="ArgumentException">The geometry is <c>default</c>.</exception>
    public void ThrowIfDefault()
    {
        if (PoolHeight == 0)
            throw new ArgumentException("Pool2D geometry is uninitialised (default); build it with Pool2DGeometry.Create.");
    }
}
