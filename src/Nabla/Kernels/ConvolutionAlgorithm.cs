namespace Nabla.Kernels;

/// <summary>How <see cref="Convolution"/> computes a pass; tests and benchmarks force each one.</summary>
internal enum ConvolutionAlgorithm
{
    /// <summary>
    /// The measured best for the geometry: <see cref="Depthwise"/> for depthwise convolutions; <see cref="SingleChannel"/>
    /// for the forward pass of a one-channel, one-group input (a grayscale first layer); <see cref="Direct"/> for the
    /// forward pass and the weight gradient of a convolution with at most
    /// <see cref="Convolution.DirectMaxInputChannels"/> input channels and one group (a first layer);
    /// <see cref="WindowRows"/> for the other one-group forward passes and the input gradients of stride-1 one-group
    /// convolutions on the AVX2 and AVX-512 paths; else <see cref="Im2Col"/>.
    /// </summary>
    Auto,

    /// <summary>im2col blocks of output pixels into a per-thread buffer, then a GEMM per block and group (every pass, every geometry).</summary>
    Im2Col,

    /// <summary>
    /// Implicit GEMM: for the forward pass, windows gathered straight into the GEMM micro-kernel's packed panel and the
    /// kernel packed once (every geometry); for the weight gradient, the micro-kernel reading windows from a strip of
    /// interleaved input rows and dy in place (one group, at most <see cref="Convolution.DirectMaxInputChannels"/>
    /// channels, no column dilation).
    /// </summary>
    Direct,

    /// <summary>Per-channel loops vectorised over channels (every pass; depthwise geometries only: one input channel per group).</summary>
    Depthwise,

    /// <summary>
    /// Register blocks of six output pixels by two vectors of channels, each tap's input value broadcast from a
    /// zero-padded copy of the window's input rows (the forward pass only, of a one-group convolution with one input
    /// channel).
    /// </summary>
    SingleChannel,

    /// <summary>
    /// Implicit GEMM whose micro-kernel reads each output pixel's window where it lies, in the input or in a zero-padded
    /// copy of the rows a block of pixels needs (the forward pass of a one-group convolution, on the AVX2 and AVX-512
    /// paths), and the input gradient of a stride-1 one-group convolution as such a forward pass over dy with the kernel
    /// flipped.
    /// </summary>
    WindowRows,
}
