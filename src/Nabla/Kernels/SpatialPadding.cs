namespace Nabla.Kernels;

/// <summary>Output length and padding of a sliding window along one spatial axis, computed as Keras and TensorFlow compute them.</summary>
/// <remarks>
/// <para>
/// A window of <c>k</c> taps with dilation <c>d</c> spans <c>k_eff = (k − 1)·d + 1</c> input positions. With
/// <see cref="PaddingMode.Valid"/> nothing is padded and the output has <c>⌊(input − k_eff) / stride⌋ + 1</c> positions.
/// With <see cref="PaddingMode.Same"/> the output has <c>⌈input / stride⌉</c> positions and the input is padded by
/// <c>max((output − 1)·stride + k_eff − input, 0)</c> in all, half before (rounded down) and the rest after: TensorFlow's
/// SAME rule, which puts the odd element at the bottom or right (PyTorch's symmetric padding differs there).
/// </para>
/// <para>
/// The transposed rule is Keras's <c>deconv_output_length</c> with <c>output_padding=None</c>: <c>input·stride</c> for
/// same and <c>input·stride + max(k_eff − stride, 0)</c> for valid. A convolution over that many positions with the
/// same window, stride and padding has exactly <c>input</c> output positions, which is what makes the transposed
/// convolution its adjoint.
/// </para>
/// </remarks>
internal static class SpatialPadding
{
    /// <summary>Output length and padding before and after along one axis.</summary>
    /// <param name="input">Input length, at least 1.</param>
    /// <param name="window">Taps of the window (kernel or pool size), at least 1.</param>
    /// <param name="stride">Step between windows, at least 1.</param>
    /// <param name="dilation">Step between taps, at least 1.</param>
    /// <param name="padding">Valid or same.</param>
    /// <returns>The output length (0 when a valid window does not fit) and the zero padding before and after.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A length, stride or dilation is less than 1.</exception>
    public static (int Output, int PadBefore, int PadAfter) Compute(int input, int window, int stride, int dilation, PaddingMode padding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(input, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dilation, 1);
        long span = Span(window, dilation);
        if (padding == PaddingMode.Valid)
            return (span > input ? 0 : (int)((input - span) / stride) + 1, 0, 0);

        int output = (int)(((long)input + stride - 1) / stride);
        int total = (int)Math.Max(((long)(output - 1) * stride) + span - input, 0);
        return (output, total / 2, total - (total / 2));
    }

    /// <summary>Output length of a transposed convolution along one axis (Keras's rule with <c>output_padding=None</c>).</summary>
    /// <param name="input">Input length of the transposed convolution, at least 1.</param>
    /// <param name="window">Taps of the kernel, at least 1.</param>
    /// <param name="stride">Stride, at least 1.</param>
    /// <param name="dilation">Dilation, at least 1.</param>
    /// <param name="padding">Valid or same.</param>
    /// <returns><c>input·stride</c> for same, <c>input·stride + max(k_eff − stride, 0)</c> for valid.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A length, stride or dilation is less than 1, or the output exceeds <see cref="int.MaxValue"/>.</exception>
    public static int TransposeOutput(int input, int window, int stride, int dilation, PaddingMode padding)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(input, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dilation, 1);
        long length = ((long)input * stride) + (padding == PaddingMode.Valid ? Math.Max(Span(window, dilation) - stride, 0) : 0);
        if (length > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(input), input, $"A transposed convolution of {input} positions with stride {stride} would produce {length} positions, more than a span can hold.");
        return (int)length;
    }

    /// <summary>Input positions a window of <paramref name="window"/> taps spans with dilation <paramref name="dilation"/>.</summary>
    public static long Span(int window, int dilation) => ((long)(window - 1) * dilation) + 1;
}
