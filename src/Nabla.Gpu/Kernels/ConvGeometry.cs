namespace Nabla.Gpu.Kernels;

/// <summary>
/// The shapes of one channels-last 2-D convolution as a kernel argument, with the conventions of the CPU engine's
/// <c>Conv2DGeometry</c> (issue 13): x [Batch, InputHeight, InputWidth, InputChannels], kernel [kh, kw, InputChannels/Groups,
/// OutputChannels], y [Batch, OutputHeight, OutputWidth, OutputChannels]; output (oh, ow) reads input row
/// oh·StrideHeight + kh·DilationHeight − PadTop and column ow·StrideWidth + kw·DilationWidth − PadLeft, zero outside.
/// </summary>
internal readonly record struct ConvGeometry(
    int Batch, int InputHeight, int InputWidth, int InputChannels, int OutputChannels, int KernelHeight, int KernelWidth,
    int StrideHeight, int StrideWidth, int DilationHeight, int DilationWidth, int PadTop, int PadLeft, int Groups,
    int OutputHeight, int OutputWidth)
{
    /// <summary>Input channels per group.</summary>
    public int GroupInputChannels => InputChannels / Groups;

    /// <summary>KernelHeight·KernelWidth·GroupInputChannels: the width of an im2col row.</summary>
    public int GroupDepth => KernelHeight * KernelWidth * GroupInputChannels;

    /// <summary>Batch·OutputHeight·OutputWidth: the rows of the im2col matrix.</summary>
    public int OutputPixels => Batch * OutputHeight * OutputWidth;

    /// <summary>Floats in x.</summary>
    public int InputLength => Batch * InputHeight * InputWidth * InputChannels;

    /// <summary>
    /// The geometry Keras's padding gives: "valid" pads nothing; "same" gives ⌈input/stride⌉ outputs and pads
    /// max((out − 1)·stride + span − input, 0) in all, half before (rounded down), TensorFlow's rule.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range, groups do not divide the channels, or the window does not fit.</exception>
    public static ConvGeometry Create(int batch, int height, int width, int channels, int filters, int kernelHeight, int kernelWidth,
        bool same, int strideHeight = 1, int strideWidth = 1, int dilationHeight = 1, int dilationWidth = 1, int groups = 1)
    {
        foreach (int v in new[] { height, width, channels, filters, kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, groups })
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(v, 1);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (channels % groups != 0 || filters % groups != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(groups), groups, $"ConvGeometry: groups must divide both the {channels} input channels and the {filters} filters.");
        }

        (int oh, int top) = Axis(height, kernelHeight, strideHeight, dilationHeight, same);
        (int ow, int left) = Axis(width, kernelWidth, strideWidth, dilationWidth, same);
        if (oh < 1 || ow < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(kernelHeight), $"ConvGeometry: a {kernelHeight}×{kernelWidth} window does not fit a {height}×{width} input with padding \"valid\".");
        }

        return new ConvGeometry(batch, height, width, channels, filters, kernelHeight, kernelWidth, strideHeight, strideWidth,
            dilationHeight, dilationWidth, top, left, groups, oh, ow);
    }

    /// <summary>Output length and padding before, along one axis (see <see cref="Create"/>).</summary>
    public static (int Output, int PadBefore) Axis(int input, int window, int stride, int dilation, bool same)
    {
        int span = ((window - 1) * dilation) + 1;
        if (!same)
        {
            return (span > input ? 0 : ((input - span) / stride) + 1, 0);
        }

        int output = (input + stride - 1) / stride;
        int total = Math.Max(((output - 1) * stride) + span - input, 0);
        return (output, total / 2);
    }
}
