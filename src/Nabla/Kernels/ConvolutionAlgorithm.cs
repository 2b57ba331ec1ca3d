namespace Nabla.Kernels;

/// <summary>How <see cref="Convolution"/> computes a pass; tests and benchmarks force each one.</summary>
internal enum ConvolutionAlgorithm
{
    /// <summary>The measured best for the geometry: <see cref="Depthwise"/> for depthwise convolutions, <see cref="Direct"/> for the forward pass of a convolution with at most <see cref="Convolution.DirectMaxInputChannels"/> input channels and one group, else <see cref="Im2Col"/>.</summary>
    Auto,

    /// <summary>im2col blocks of output pixels into a per-thread buffer, then a GEMM per block and group (every pass, every geometry).</summary>
    Im2Col,

    /// <summary>Implicit GEMM: windows gathered straight into the GEMM micro-kernel's packed panel, the kernel packed once (forward pass; every geometry).</summary>
    Direct,

    /// <summary>Per-channel loops vectorised over channels (every pass; depthwise geometries only: one input channel per group).</summary>
    Depthwise,
}
