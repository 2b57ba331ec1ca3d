namespace Nabla.Kernels;

internal static unsafe partial class Convolution
{
    /// <summary>Keras Conv2DTranspose: y = convᵀ(x, w) + bias, the input gradient of the convolution <paramref name="geometry"/> describes.</summary>
    /// <remarks>
    /// <paramref name="geometry"/> comes from <see cref="Conv2DGeometry.CreateTranspose"/>: the transposed
    /// convolution's input x has the geometry's output shape [Batch, OutputHeight, OutputWidth, OutputChannels], its
    /// output y the geometry's input shape [Batch, InputHeight, InputWidth, InputChannels], and its kernel is stored
    /// [KernelHeight, KernelWidth, InputChannels, OutputChannels], which is Keras's Conv2DTranspose layout
    /// [kh, kw, filters, input channels]. Each input pixel scatters x[n, i, j, :]·w into the window of y it would have
    /// been computed from. Same aliasing rules as <see cref="InputGradient"/>.
    /// </remarks>
    /// <param name="geometry">The convolution whose adjoint this is.</param>
    /// <param name="x">Transposed convolution input [Batch, OutputHeight, OutputWidth, OutputChannels].</param>
    /// <param name="w">Kernel [KernelHeight, KernelWidth, InputChannels, OutputChannels].</param>
    /// <param name="bias">Bias [InputChannels] (the transposed convolution's filters), or empty for none.</param>
    /// <param name="y">Transposed convolution output [Batch, InputHeight, InputWidth, InputChannels], overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is default, a span is too short, bias is neither empty nor long enough, or y overlaps an input.</exception>
    public static void TransposeForward(in Conv2DGeometry geometry, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        geometry.ThrowIfDefault();
        if (bias.IsEmpty)
        {
            InputGradient(in geometry, x, w, y);
            return;
        }

        int channels = geometry.InputChannels, pixels = geometry.Batch * geometry.InputHeight * geometry.InputWidth;
        CheckSource(bias, channels, nameof(bias));
        CheckDestination(y, geometry.InputLength, nameof(y));
        CheckApart(y, geometry.InputLength, bias, nameof(y), nameof(bias));
        CheckApart(y, geometry.InputLength, x, nameof(y), nameof(x));
        CheckApart(y, geometry.InputLength, w, nameof(y), nameof(w));
        ReadOnlySpan<float> b = bias[..channels];
        for (int p = 0; p < pixels; p++)
            b.CopyTo(y.Slice(p * channels, channels));
        InputGradient(in geometry, x, w, y, accumulate: true);
    }

    /// <summary>Input gradient of <see cref="TransposeForward"/>: dx = conv(dy, w), the forward convolution without bias.</summary>
    /// <param name="geometry">The convolution whose adjoint the transposed convolution is.</param>
    /// <param name="dy">Gradient of the transposed output [Batch, InputHeight, InputWidth, InputChannels].</param>
    /// <param name="w">Kernel [KernelHeight, KernelWidth, InputChannels, OutputChannels].</param>
    /// <param name="dx">Gradient of the transposed input [Batch, OutputHeight, OutputWidth, OutputChannels], overwritten.</param>
    /// <exception cref="ArgumentException">The geometry is default, a span is too short, or dx overlaps an input.</exception>
    public static void TransposeInputGradient(in Conv2DGeometry geometry, ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx) =>
        Forward(in geometry, dy, w, default, dx);

    /// <summary>Kernel gradient of <see cref="TransposeForward"/>: the convolution's weight gradient with the roles of input and output gradient swapped.</summary>
    /// <param name="geometry">The convolution whose adjoint the transposed convolution is.</param>
    /// <param name="x">Transposed convolution input [Batch, OutputHeight, OutputWidth, OutputChannels].</param>
    /// <param name="dy">Gradient of the transposed output [Batch, InputHeight, InputWidth, InputChannels].</param>
    /// <param name="dw">Kernel gradient [KernelHeight, KernelWidth, InputChannels, OutputChannels].</param>
    /// <param name="accumulate">Add to dw instead of overwriting it (default false).</param>
    /// <exception cref="ArgumentException">The geometry is default, a span is too short, or dw overlaps an input.</exception>
    public static void TransposeWeightGradient(in Conv2DGeometry geometry, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw, bool accumulate = false) =>
        WeightGradient(in geometry, dy, x, dw, accumulate);
}
