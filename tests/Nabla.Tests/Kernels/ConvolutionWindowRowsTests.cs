using Nabla.Kernels;

namespace Nabla.Tests.Kernels;

/// <summary>The window-reading forward kernel against the direct one, whose packed panels hold the same windows.</summary>
[Collection(KernelSettingsCollection.Name)]
public sealed class ConvolutionWindowRowsTests : IDisposable
{
    public ConvolutionWindowRowsTests() => KernelPaths.Reset();

    public void Dispose() => KernelPaths.Reset();

    // Both sum the windows in (kh, kw, channel) order from zero with FMAs, padding as zeros, and add the bias last, so
    // the outputs are the same bits. Shapes: W5's second layer at batches 3 and 6 (padded strips), a valid convolution with stride and
    // row dilation (windows read from x in place), column dilation (one run per tap), a 300-deep window, 40 filters
    // (a partial panel), and 5 × 8 images, so that one block of pixels spans several images and ends in a partial tile.
    // (No output row is one more than a multiple of six pixels wide: Direct's tiles are cut per row, and a one-pixel
    // tile runs its vector-matrix loop, which sums in another order.)
    // On each vector path the window tile of its width (WindowTileAvx2, 16 channels; WindowTileAvx512, 32) runs against
    // that path's direct kernel.
    [Theory]
    [InlineData(nameof(GemmPath.Avx2), 1)]
    [InlineData(nameof(GemmPath.Avx2), 0)]
    [InlineData(nameof(GemmPath.Avx512), 1)]
    [InlineData(nameof(GemmPath.Avx512), 0)]
    public void The_outputs_are_the_direct_kernels_bits(string path, int threads)
    {
        if (!Gemm.IsSupported(Enum.Parse<GemmPath>(path)))
            return;
        KernelPaths.Use(path, threads == 0 ? Environment.ProcessorCount : threads);
        foreach (Conv2DGeometry g in new[]
        {
            Conv2DGeometry.Create(3, 14, 14, 32, 64, 3, 3, PaddingMode.Same),
            Conv2DGeometry.Create(6, 14, 14, 32, 64, 3, 3, PaddingMode.Same),
            Conv2DGeometry.Create(2, 17, 19, 8, 16, 3, 3, PaddingMode.Valid, 2, 1, 2, 1),
            Conv2DGeometry.Create(2, 11, 16, 8, 32, 3, 3, PaddingMode.Same, 1, 2, 1, 2),
            Conv2DGeometry.Create(1, 6, 9, 100, 24, 3, 3, PaddingMode.Same),
            Conv2DGeometry.Create(2, 9, 8, 12, 40, 2, 4, PaddingMode.Same, 2, 1),
            Conv2DGeometry.Create(13, 5, 8, 6, 16, 3, 3, PaddingMode.Same),
        })
        {
            foreach (bool withBias in new[] { true, false })
            {
                float[] x = ConvReference.Random(g.InputLength, 1), w = ConvReference.Random(g.KernelLength, 2), b = ConvReference.Random(g.OutputChannels, 3);
                float[] direct = new float[g.OutputLength], windows = new float[g.OutputLength];
                Convolution.ForcedAlgorithm = ConvolutionAlgorithm.Direct;
                Convolution.Forward(g, x, w, withBias ? b : default, direct);
                Convolution.ForcedAlgorithm = ConvolutionAlgorithm.WindowRows;
                Convolution.Forward(g, x, w, withBias ? b : default, windows);
                int first = Enumerable.Range(0, direct.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(direct[i]) != BitConverter.SingleToInt32Bits(windows[i]), -1);
                Assert.True(first < 0, $"{g}, bias {withBias}: output {first} is {(first < 0 ? 0 : windows[first])}, the direct kernel's {(first < 0 ? 0 : direct[first])}");
            }
        }
    }
}
