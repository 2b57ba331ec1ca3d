using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>The single-channel forward kernel against the direct one it replaced for grayscale first layers.</summary>
[Collection(KernelSettingsCollection.Name)]
public sealed class ConvolutionSingleChannelTests : IDisposable
{
    public ConvolutionSingleChannelTests() => KernelPaths.Reset();

    public void Dispose() => KernelPaths.Reset();

    // Both sum the taps in (kh, kw) order from zero with FMAs, padding as zeros, and add the bias last, so where the
    // channels fill whole vectors the outputs are the same bits: a model trained before the change follows the same
    // trajectory (W5's first layer has 32 filters). Shapes: W5's first layer, a valid 5 × 5 with stride and dilation,
    // and 48 filters (a vector pair and a single vector on AVX2).
    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void Whole_vectors_of_channels_give_the_direct_kernels_bits(int threads)
    {
        KernelPaths.Use(KernelPaths.Supported[0], threads == 0 ? Environment.ProcessorCount : threads);
        foreach (Conv2DGeometry g in new[]
        {
            Conv2DGeometry.Create(4, 28, 28, 1, 32, 3, 3, PaddingMode.Same),
            Conv2DGeometry.Create(2, 19, 23, 1, 16, 5, 5, PaddingMode.Valid, 2, 1, 1, 2),
            Conv2DGeometry.Create(3, 9, 30, 1, 48, 3, 3, PaddingMode.Same),
        })
        {
            float[] x = ConvReference.Random(g.InputLength, 1), w = ConvReference.Random(g.KernelLength, 2), b = ConvReference.Random(g.OutputChannels, 3);
            float[] direct = new float[g.OutputLength], single = new float[g.OutputLength];
            Convolution.ForcedAlgorithm = ConvolutionAlgorithm.Direct;
            Convolution.Forward(g, x, w, b, direct);
            Convolution.ForcedAlgorithm = ConvolutionAlgorithm.SingleChannel;
            Convolution.Forward(g, x, w, b, single);
            int first = Enumerable.Range(0, direct.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(direct[i]) != BitConverter.SingleToInt32Bits(single[i]), -1);
            Assert.True(first < 0, $"{g}: output {first} is {(first < 0 ? 0 : single[first])}, the direct kernel's {(first < 0 ? 0 : direct[first])}");
        }
    }
}
