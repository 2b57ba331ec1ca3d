using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>One convolution pass of a benchmark: the layer's shapes, which pass, and the algorithm (Auto unless comparing).</summary>
/// <param name="Name">Short label used in tables.</param>
/// <param name="Batch">Images.</param>
/// <param name="Size">Input height and width.</param>
/// <param name="Channels">Input channels.</param>
/// <param name="Filters">Output channels.</param>
/// <param name="Pass">"forward", "input gradient" or "weight gradient".</param>
/// <param name="Algorithm">A <c>ConvolutionAlgorithm</c> name.</param>
public sealed record ConvShape(string Name, int Batch, int Size, int Channels, int Filters, string Pass, string Algorithm = "Auto")
{
    /// <summary>
    /// The convolutions of the W5 CNN (Conv2D(32, 3, same) on 28×28×1, Conv2D(64, 3, same) on 14×14×32): every pass at
    /// the training batch of 32, the forward passes at the inference batch of 256 and at W8's batch of 1, and the first layer's forward pass and
    /// weight gradient by im2col and by the direct kernels (and the forward pass by the single-channel kernel, Auto's choice) (the first layer's input gradient is never needed).
    /// </summary>
    public static readonly ConvShape[] W5 =
    [
        new("L1 b32 fwd single", 32, 28, 1, 32, "forward", "SingleChannel"),
        new("L1 b32 fwd direct", 32, 28, 1, 32, "forward", "Direct"),
        new("L1 b32 fwd im2col", 32, 28, 1, 32, "forward", "Im2Col"),
        new("L1 b32 dW direct", 32, 28, 1, 32, "weight gradient", "Direct"),
        new("L1 b32 dW im2col", 32, 28, 1, 32, "weight gradient", "Im2Col"),
        new("L2 b32 fwd", 32, 14, 32, 64, "forward"),
        new("L2 b32 fwd im2col", 32, 14, 32, 64, "forward", "Im2Col"),
        new("L2 b32 dX", 32, 14, 32, 64, "input gradient"),
        new("L2 b32 dX im2col", 32, 14, 32, 64, "input gradient", "Im2Col"),
        new("L2 b32 dW", 32, 14, 32, 64, "weight gradient"),
        new("L1 b256 fwd single", 256, 28, 1, 32, "forward", "SingleChannel"),
        new("L1 b256 fwd direct", 256, 28, 1, 32, "forward", "Direct"),
        new("L1 b256 fwd im2col", 256, 28, 1, 32, "forward", "Im2Col"),
        new("L2 b256 fwd", 256, 14, 32, 64, "forward"),
        new("L2 b256 fwd im2col", 256, 14, 32, 64, "forward", "Im2Col"),
        new("L1 b1 fwd", 1, 28, 1, 32, "forward"),
        new("L2 b1 fwd", 1, 14, 32, 64, "forward"),
        new("L2 b1 fwd im2col", 1, 14, 32, 64, "forward", "Im2Col"),
    ];

    /// <summary>Floating-point operations of the pass (each pass costs 2·pixels·depth·filters).</summary>
    public double Flops => Geometry().Flops;

    internal Conv2DGeometry Geometry() => Conv2DGeometry.Create(Batch, Size, Size, Channels, Filters, 3, 3, PaddingMode.Same);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
