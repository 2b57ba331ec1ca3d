using System.Globalization;

namespace Nabla.Kernels;

/// <summary>The shapes of one 2-D convolution over channels-last (NHWC) tensors: input, kernel, output, strides, dilations, padding and groups.</summary>
/// <remarks>
/// <para>
/// Layouts (row-major, Keras's): input x [Batch, InputHeight, InputWidth, InputChannels]; kernel w [KernelHeight,
/// KernelWidth, InputChannels / Groups, OutputChannels]; bias [OutputChannels]; output y [Batch, OutputHeight,
/// OutputWidth, OutputChannels]. Output position (oh, ow) reads input rows <c>oh·StrideHeight + kh·DilationHeight −
/// PadTop</c> and columns <c>ow·StrideWidth + kw·DilationWidth − PadLeft</c>; taps outside the input read zero. Output
/// channel oc belongs to group <c>oc / (OutputChannels / Groups)</c> and sees only that group's input channels.
/// </para>
/// <para>
/// Build it with <see cref="Create"/> (Keras's "valid" / "same"), <see cref="CreateExplicit"/> (given paddings, e.g. a
/// causal Conv1D as height 1 with the left padding only) or <see cref="CreateTranspose"/> (the convolution whose input
/// gradient a Conv2DTranspose computes). Every factory validates the whole geometry, so a kernel can rely on it; a
/// <c>default</c> value is rejected by the kernels.
/// </para>
/// </remarks>
internal readonly struct Conv2DGeometry : IEquatable<Conv2DGeometry>
{
    private Conv2DGeometry(int batch, int inputHeight, int inputWidth, int inputChannels, int outputChannels,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int dilationHeight, int dilationWidth,
        int padTop, int padLeft, int groups, int outputHeight, int outputWidth)
    {
        Batch = batch;
        InputHeight = inputHeight;
        InputWidth = inputWidth;
        InputChannels = inputChannels;
        OutputChannels = outputChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideHeight = strideHeight;
        StrideWidth = strideWidth;
        DilationHeight = dilationHeight;
        DilationWidth = dilationWidth;
        PadTop = padTop;
        PadLeft = padLeft;
        Groups = groups;
        OutputHeight = outputHeight;
        OutputWidth = outputWidth;
        GroupInputChannels = inputChannels / groups;
        GroupOutputChannels = outputChannels / groups;
    }

    /// <summary>Images in the batch (0 or more).</summary>
    public int Batch { get; }

    /// <summary>Input rows.</summary>
    public int InputHeight { get; }

    /// <summary>Input columns.</summary>
    public int InputWidth { get; }

    /// <summary>Input channels (the last axis of x).</summary>
    public int InputChannels { get; }

    /// <summary>Output channels, Keras's <c>filters</c> (the last axis of y and of the kernel).</summary>
    public int OutputChannels { get; }

    /// <summary>Kernel rows.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel columns.</summary>
    public int KernelWidth { get; }

    /// <summary>Step between output rows, in input rows.</summary>
    public int StrideHeight { get; }

    /// <summary>Step between output columns, in input columns.</summary>
    public int StrideWidth { get; }

    /// <summary>Step between kernel rows, in input rows.</summary>
    public int DilationHeight { get; }

    /// <summary>Step between kernel columns, in input columns.</summary>
    public int DilationWidth { get; }

    /// <summary>Zero rows above the input.</summary>
    public int PadTop { get; }

    /// <summary>Zero columns left of the input.</summary>
    public int PadLeft { get; }

    /// <summary>Channel groups: each sees InputChannels / Groups inputs and makes OutputChannels / Groups outputs (depthwise: Groups = InputChannels).</summary>
    public int Groups { get; }

    /// <summary>Output rows.</summary>
    public int OutputHeight { get; }

    /// <summary>Output columns.</summary>
    public int OutputWidth { get; }

    /// <summary>Zero rows below the input that the last window reaches (negative when the last input rows are never read).</summary>
    public int PadBottom => ((OutputHeight - 1) * StrideHeight) + ((KernelHeight - 1) * DilationHeight) + 1 - InputHeight - PadTop;

    /// <summary>Zero columns right of the input that the last window reaches (negative when the last input columns are never read).</summary>
    public int PadRight => ((OutputWidth - 1) * StrideWidth) + ((KernelWidth - 1) * DilationWidth) + 1 - InputWidth - PadLeft;

    /// <summary>Input channels per group (stored: kernels read it in inner loops, where a division would cost).</summary>
    public int GroupInputChannels { get; }

    /// <summary>Output channels per group (the depth multiplier when depthwise).</summary>
    public int GroupOutputChannels { get; }

    /// <summary>Taps of one group's window, KernelHeight·KernelWidth·GroupInputChannels: the inner dimension of its GEMM.</summary>
    public int GroupDepth => KernelHeight * KernelWidth * GroupInputChannels;

    /// <summary>Output positions in the batch, Batch·OutputHeight·OutputWidth: the rows of the GEMM.</summary>
    public int OutputPixels => Batch * OutputHeight * OutputWidth;

    /// <summary>Floats in x.</summary>
    public int InputLength => Batch * InputHeight * InputWidth * InputChannels;

    /// <summary>Floats in y.</summary>
    public int OutputLength => Batch * OutputHeight * OutputWidth * OutputChannels;

    /// <summary>Floats in the kernel, KernelHeight·KernelWidth·GroupInputChannels·OutputChannels.</summary>
    public int KernelLength => GroupDepth * OutputChannels;

    /// <summary>Multiply-adds of the forward pass times two (each gradient costs the same).</summary>
    public double Flops => 2.0 * OutputPixels * GroupDepth * OutputChannels;

    /// <summary>Whether this is a depthwise convolution: one input channel per group (Groups = InputChannels).</summary>
    public bool IsDepthwise => GroupInputChannels == 1 && Groups > 1;

    /// <summary>Geometry of a convolution padded the Keras way.</summary>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="inputHeight">Input rows.</param>
    /// <param name="inputWidth">Input columns.</param>
    /// <param name="inputChannels">Input channels.</param>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelHeight">Kernel rows.</param>
    /// <param name="kernelWidth">Kernel columns.</param>
    /// <param name="padding">Valid or same (see <see cref="SpatialPadding"/>).</param>
    /// <param name="strideHeight">Row stride (default 1).</param>
    /// <param name="strideWidth">Column stride (default 1).</param>
    /// <param name="dilationHeight">Row dilation (default 1).</param>
    /// <param name="dilationWidth">Column dilation (default 1).</param>
    /// <param name="groups">Channel groups (default 1); must divide both channel counts.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range, groups do not divide the channels, the window does not fit, or the tensors exceed a span.</exception>
    public static Conv2DGeometry Create(int batch, int inputHeight, int inputWidth, int inputChannels, int filters,
        int kernelHeight, int kernelWidth, PaddingMode padding, int strideHeight = 1, int strideWidth = 1,
        int dilationHeight = 1, int dilationWidth = 1, int groups = 1)
    {
        CheckSizes(batch, inputHeight, inputWidth, inputChannels, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, groups);
        (int outH, int top, int bottom) = SpatialPadding.Compute(inputHeight, kernelHeight, strideHeight, dilationHeight, padding);
        (int outW, int left, int right) = SpatialPadding.Compute(inputWidth, kernelWidth, strideWidth, dilationWidth, padding);
        return Build(batch, inputHeight, inputWidth, inputChannels, filters, kernelHeight, kernelWidth, strideHeight, strideWidth,
            dilationHeight, dilationWidth, top, bottom, left, right, groups, outH, outW);
    }

    /// <summary>Geometry of a convolution with the given zero padding on each side.</summary>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="inputHeight">Input rows.</param>
    /// <param name="inputWidth">Input columns.</param>
    /// <param name="inputChannels">Input channels.</param>
    /// <param name="filters">Output channels.</param>
    /// <param name="kernelHeight">Kernel rows.</param>
    /// <param name="kernelWidth">Kernel columns.</param>
    /// <param name="padTop">Zero rows above, 0 or more.</param>
    /// <param name="padBottom">Zero rows below, 0 or more.</param>
    /// <param name="padLeft">Zero columns left, 0 or more.</param>
    /// <param name="padRight">Zero columns right, 0 or more.</param>
    /// <param name="strideHeight">Row stride (default 1).</param>
    /// <param name="strideWidth">Column stride (default 1).</param>
    /// <param name="dilationHeight">Row dilation (default 1).</param>
    /// <param name="dilationWidth">Column dilation (default 1).</param>
    /// <param name="groups">Channel groups (default 1); must divide both channel counts.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size or padding is out of range, groups do not divide the channels, the window does not fit, or the tensors exceed a span.</exception>
    public static Conv2DGeometry CreateExplicit(int batch, int inputHeight, int inputWidth, int inputChannels, int filters,
        int kernelHeight, int kernelWidth, int padTop, int padBottom, int padLeft, int padRight,
        int strideHeight = 1, int strideWidth = 1, int dilationHeight = 1, int dilationWidth = 1, int groups = 1)
    {
        CheckSizes(batch, inputHeight, inputWidth, inputChannels, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, groups);
        ArgumentOutOfRangeException.ThrowIfNegative(padTop);
        ArgumentOutOfRangeException.ThrowIfNegative(padBottom);
        ArgumentOutOfRangeException.ThrowIfNegative(padLeft);
        ArgumentOutOfRangeException.ThrowIfNegative(padRight);
        long paddedH = (long)inputHeight + padTop + padBottom, paddedW = (long)inputWidth + padLeft + padRight;
        long spanH = SpatialPadding.Span(kernelHeight, dilationHeight), spanW = SpatialPadding.Span(kernelWidth, dilationWidth);
        int outH = spanH > paddedH ? 0 : (int)((paddedH - spanH) / strideHeight) + 1;
        int outW = spanW > paddedW ? 0 : (int)((paddedW - spanW) / strideWidth) + 1;
        return Build(batch, inputHeight, inputWidth, inputChannels, filters, kernelHeight, kernelWidth, strideHeight, strideWidth,
            dilationHeight, dilationWidth, padTop, padBottom, padLeft, padRight, groups, outH, outW);
    }

    /// <summary>
    /// Geometry of the convolution behind a Keras Conv2DTranspose: the transposed convolution's output is this
    /// geometry's input, its input this geometry's output, and its kernel [kh, kw, filters, inputChannels] this
    /// geometry's kernel.
    /// </summary>
    /// <remarks>
    /// The transposed convolution maps [batch, inputHeight, inputWidth, inputChannels] to [batch, H, W, filters] with H
    /// and W from <see cref="SpatialPadding.TransposeOutput"/> (Keras's rule, <c>output_padding=None</c>). The returned
    /// geometry has Batch = batch, InputHeight = H, InputWidth = W, InputChannels = filters, OutputChannels =
    /// inputChannels, OutputHeight = inputHeight and OutputWidth = inputWidth; its forward pass is the transposed
    /// convolution's input gradient and its input gradient the transposed convolution's forward pass (see
    /// <see cref="Convolution.TransposeForward"/>).
    /// </remarks>
    /// <param name="batch">Images, 0 or more.</param>
    /// <param name="inputHeight">Rows of the transposed convolution's input.</param>
    /// <param name="inputWidth">Columns of the transposed convolution's input.</param>
    /// <param name="inputChannels">Channels of the transposed convolution's input.</param>
    /// <param name="filters">Channels of the transposed convolution's output.</param>
    /// <param name="kernelHeight">Kernel rows.</param>
    /// <param name="kernelWidth">Kernel columns.</param>
    /// <param name="padding">Valid or same.</param>
    /// <param name="strideHeight">Row stride (default 1).</param>
    /// <param name="strideWidth">Column stride (default 1).</param>
    /// <param name="dilationHeight">Row dilation (default 1).</param>
    /// <param name="dilationWidth">Column dilation (default 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range or the tensors exceed a span.</exception>
    public static Conv2DGeometry CreateTranspose(int batch, int inputHeight, int inputWidth, int inputChannels, int filters,
        int kernelHeight, int kernelWidth, PaddingMode padding, int strideHeight = 1, int strideWidth = 1,
        int dilationHeight = 1, int dilationWidth = 1)
    {
        CheckSizes(batch, inputHeight, inputWidth, inputChannels, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, 1);
        int outH = SpatialPadding.TransposeOutput(inputHeight, kernelHeight, strideHeight, dilationHeight, padding);
        int outW = SpatialPadding.TransposeOutput(inputWidth, kernelWidth, strideWidth, dilationWidth, padding);
        Conv2DGeometry g = Create(batch, outH, outW, filters, inputChannels, kernelHeight, kernelWidth, padding,
            strideHeight, strideWidth, dilationHeight, dilationWidth);

        // SpatialPadding's remarks show why this holds for every size; a failure here is a bug, not bad input.
        if (g.OutputHeight != inputHeight || g.OutputWidth != inputWidth)
            throw new InvalidOperationException($"Conv2DTranspose geometry: the convolution over {outH}×{outW} gives {g.OutputHeight}×{g.OutputWidth}, not the transposed input {inputHeight}×{inputWidth}.");
        return g;
    }

    /// <inheritdoc/>
    public bool Equals(Conv2DGeometry other) =>
        Batch == other.Batch && InputHeight == other.InputHeight && InputWidth == other.InputWidth && InputChannels == other.InputChannels
        && OutputChannels == other.OutputChannels && KernelHeight == other.KernelHeight && KernelWidth == other.KernelWidth
        && StrideHeight == other.StrideHeight && StrideWidth == other.StrideWidth && DilationHeight == other.DilationHeight
        && DilationWidth == other.DilationWidth && PadTop == other.PadTop && PadLeft == other.PadLeft && Groups == other.Groups
        && OutputHeight == other.OutputHeight && OutputWidth == other.OutputWidth;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Conv2DGeometry other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(HashCode.Combine(Batch, InputHeight, InputWidth, InputChannels, OutputChannels),
        HashCode.Combine(KernelHeight, KernelWidth, StrideHeight, StrideWidth, DilationHeight, DilationWidth),
        HashCode.Combine(PadTop, PadLeft, Groups, OutputHeight, OutputWidth));

    /// <summary>Shapes as text, e.g. <c>[32, 28, 28, 1] * [3, 3, 1, 32] -> [32, 28, 28, 32] (stride 1×1, dilation 1×1, pad 1/1/1/1, groups 1)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"[{Batch}, {InputHeight}, {InputWidth}, {InputChannels}] * [{KernelHeight}, {KernelWidth}, {GroupInputChannels}, {OutputChannels}] -> [{Batch}, {OutputHeight}, {OutputWidth}, {OutputChannels}] (stride {StrideHeight}×{StrideWidth}, dilation {DilationHeight}×{DilationWidth}, pad {PadTop}/{PadBottom}/{PadLeft}/{PadRight}, groups {Groups})");

    /// <summary>Throws unless this value came from a factory (a <c>default</c> geometry has no kernel).</summary>
    /// <exception cref="ArgumentException">The geometry is <c>default</c>.</exception>
    public void ThrowIfDefault()
    {
        if (KernelHeight == 0)
            throw new ArgumentException("Conv2D geometry is uninitialised (default); build it with Conv2DGeometry.Create, CreateExplicit or CreateTranspose.");
    }

    private static void CheckSizes(int batch, int inputHeight, int inputWidth, int inputChannels, int filters,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int dilationHeight, int dilationWidth, int groups)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(inputChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(filters, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(strideWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dilationHeight, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dilationWidth, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        if (inputChannels % groups != 0 || filters % groups != 0)
            throw new ArgumentOutOfRangeException(nameof(groups), groups,
                $"Conv2D: groups must divide both the input channels and the filters, but received groups={groups} with {inputChannels} input channels and {filters} filters.");
    }

    private static Conv2DGeometry Build(int batch, int inputHeight, int inputWidth, int inputChannels, int filters,
        int kernelHeight, int kernelWidth, int strideHeight, int strideWidth, int dilationHeight, int dilationWidth,
        int padTop, int padBottom, int padLeft, int padRight, int groups, int outH, int outW)
    {
        if (outH < 1 || outW < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelHeight), string.Create(CultureInfo.InvariantCulture,
                $"Conv2D: a {kernelHeight}×{kernelWidth} kernel with dilation {dilationHeight}×{dilationWidth} spans {SpatialPadding.Span(kernelHeight, dilationHeight)}×{SpatialPadding.Span(kernelWidth, dilationWidth)} positions, more than the padded input {(long)inputHeight + padTop + padBottom}×{(long)inputWidth + padLeft + padRight} (input {inputHeight}×{inputWidth}). Use padding \"same\", a smaller kernel or a larger input."));
        }

        // The taps must reach the input: padding of a whole window or more on one side would give outputs that see
        // only zeros, which no Keras padding produces.
        if (padTop >= SpatialPadding.Span(kernelHeight, dilationHeight) || padLeft >= SpatialPadding.Span(kernelWidth, dilationWidth)
            || padBottom >= SpatialPadding.Span(kernelHeight, dilationHeight) || padRight >= SpatialPadding.Span(kernelWidth, dilationWidth))
        {
            throw new ArgumentOutOfRangeException(nameof(padTop), string.Create(CultureInfo.InvariantCulture,
                $"Conv2D: padding {padTop}/{padBottom}/{padLeft}/{padRight} (top/bottom/left/right) must be smaller than the window span {SpatialPadding.Span(kernelHeight, dilationHeight)}×{SpatialPadding.Span(kernelWidth, dilationWidth)} on every side."));
        }

        long input = (long)batch * inputHeight * inputWidth * inputChannels;
        long output = (long)batch * outH * outW * filters;
        long kernel = (long)kernelHeight * kernelWidth * (inputChannels / groups) * filters;
        if (input > int.MaxValue || output > int.MaxValue || kernel > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(batch), string.Create(CultureInfo.InvariantCulture,
                $"Conv2D: input ({input}), output ({output}) and kernel ({kernel}) must each fit in a span of at most {int.MaxValue} floats."));
        }

        return new Conv2DGeometry(batch, inputHeight, inputWidth, inputChannels, filters, kernelHeight, kernelWidth,
            strideHeight, strideWidth, dilationHeight, dilationWidth, padTop, padLeft, groups, outH, outW);
    }
}
