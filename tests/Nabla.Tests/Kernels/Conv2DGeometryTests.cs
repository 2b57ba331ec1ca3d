using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class Conv2DGeometryTests
{
    // TensorFlow's rule: valid ⌊(n − span)/s⌋ + 1; same ⌈n/s⌉ with max((out − 1)·s + span − n, 0) padding, the odd
    // element after. Values worked by hand.
    [Theory]
    [InlineData(28, 3, 1, 1, true, 28, 1, 1)]
    [InlineData(7, 3, 2, 1, true, 4, 1, 1)]
    [InlineData(6, 3, 2, 1, true, 3, 0, 1)]      // odd total padding: the extra row goes below
    [InlineData(5, 2, 1, 1, true, 5, 0, 1)]
    [InlineData(5, 4, 3, 1, true, 2, 1, 1)]
    [InlineData(1, 3, 5, 1, true, 1, 1, 1)]
    [InlineData(7, 3, 1, 2, true, 7, 2, 2)]      // span 5
    [InlineData(8, 1, 3, 1, true, 3, 0, 0)]
    [InlineData(7, 3, 1, 2, false, 3, 0, 0)]
    [InlineData(8, 3, 2, 1, false, 3, 0, 0)]
    [InlineData(4, 5, 1, 1, false, 0, 0, 0)]     // does not fit
    [InlineData(5, 3, 3, 2, false, 1, 0, 0)]
    public void Padding_follows_tensorflow(int input, int window, int stride, int dilation, bool same, int output, int before, int after)
    {
        Assert.Equal((output, before, after), SpatialPadding.Compute(input, window, stride, dilation, same ? PaddingMode.Same : PaddingMode.Valid));
    }

    // Keras's deconv_output_length with output_padding=None: same n·s, valid n·s + max(span − s, 0).
    [Theory]
    [InlineData(5, 3, 2, 1, false, 11)]
    [InlineData(5, 3, 2, 1, true, 10)]
    [InlineData(4, 1, 3, 1, false, 12)]
    [InlineData(3, 3, 1, 2, false, 7)]
    [InlineData(14, 3, 1, 1, true, 14)]
    [InlineData(7, 2, 2, 1, false, 14)]
    public void Transposed_output_follows_keras(int input, int window, int stride, int dilation, bool same, int output)
    {
        Assert.Equal(output, SpatialPadding.TransposeOutput(input, window, stride, dilation, same ? PaddingMode.Same : PaddingMode.Valid));
    }

    [Fact]
    public void Every_transposed_geometry_maps_back_onto_its_input()
    {
        foreach (bool same in new[] { false, true })
        {
            for (int n = 1; n <= 9; n++)
            {
                for (int k = 1; k <= 5; k++)
                {
                    for (int s = 1; s <= 4; s++)
                    {
                        for (int d = 1; d <= 3; d++)
                        {
                            Conv2DGeometry g = Conv2DGeometry.CreateTranspose(2, n, n + 1, 3, 4, k, k, same ? PaddingMode.Same : PaddingMode.Valid, s, s, d, d);
                            Assert.Equal((n, n + 1, 4, 3), (g.OutputHeight, g.OutputWidth, g.InputChannels, g.OutputChannels));
                            Assert.Equal(SpatialPadding.TransposeOutput(n, k, s, d, same ? PaddingMode.Same : PaddingMode.Valid), g.InputHeight);
                        }
                    }
                }
            }
        }
    }

    [Fact]
    public void Derived_sizes_describe_the_tensors()
    {
        Conv2DGeometry g = Conv2DGeometry.Create(32, 14, 14, 32, 64, 3, 3, PaddingMode.Same);
        Assert.Equal((14, 14, 1, 1, 1, 1), (g.OutputHeight, g.OutputWidth, g.PadTop, g.PadLeft, g.PadBottom, g.PadRight));
        Assert.Equal((32 * 14 * 14 * 32, 32 * 14 * 14 * 64, 3 * 3 * 32 * 64), (g.InputLength, g.OutputLength, g.KernelLength));
        Assert.Equal((288, 32 * 196), (g.GroupDepth, g.OutputPixels));
        Assert.Equal(2.0 * 32 * 196 * 288 * 64, g.Flops);
        Assert.Equal("[32, 14, 14, 32] * [3, 3, 32, 64] -> [32, 14, 14, 64] (stride 1×1, dilation 1×1, pad 1/1/1/1, groups 1)", g.ToString());

        Conv2DGeometry depthwise = Conv2DGeometry.Create(1, 8, 8, 16, 32, 3, 3, PaddingMode.Valid, 2, 2, groups: 16);
        Assert.True(depthwise.IsDepthwise);
        Assert.Equal((1, 2, 3, 3, -1, -1), (depthwise.GroupInputChannels, depthwise.GroupOutputChannels, depthwise.OutputHeight, depthwise.OutputWidth, depthwise.PadBottom, depthwise.PadRight));
        Assert.False(Conv2DGeometry.Create(1, 8, 8, 1, 32, 3, 3, PaddingMode.Valid).IsDepthwise);
        Assert.Equal(Conv2DGeometry.Create(1, 8, 8, 16, 32, 3, 3, PaddingMode.Valid, 2, 2, groups: 16), depthwise);
    }

    // A causal Conv1D (height 1): dilation·(k − 1) zeros on the left only, as many outputs as steps.
    [Fact]
    public void Explicit_padding_gives_a_causal_convolution()
    {
        Conv2DGeometry g = Conv2DGeometry.CreateExplicit(2, 1, 10, 3, 4, 1, 3, 0, 0, 4, 0, dilationWidth: 2);
        Assert.Equal((1, 10, 4, 0, 0), (g.OutputHeight, g.OutputWidth, g.PadLeft, g.PadRight, g.PadTop));
    }

    [Fact]
    public void Bad_geometries_throw_saying_what_is_wrong()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Conv2DGeometry.Create(1, 8, 8, 6, 4, 3, 3, PaddingMode.Same, groups: 4),
            "groups must divide both the input channels and the filters, but received groups=4 with 6 input channels and 4 filters");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Conv2DGeometry.Create(1, 3, 4, 1, 1, 3, 3, PaddingMode.Valid, dilationHeight: 2),
            "a 3×3 kernel with dilation 2×1 spans 5×3 positions, more than the padded input 3×4", "Use padding \"same\"");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Conv2DGeometry.CreateExplicit(1, 5, 5, 1, 1, 3, 3, 3, 0, 0, 0),
            "padding 3/0/0/0 (top/bottom/left/right) must be smaller than the window span 3×3");
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv2DGeometry.Create(1, 0, 5, 1, 1, 3, 3, PaddingMode.Same));
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv2DGeometry.Create(-1, 5, 5, 1, 1, 3, 3, PaddingMode.Same));
        Assert.Throws<ArgumentOutOfRangeException>(() => Conv2DGeometry.Create(1, 5, 5, 1, 1, 3, 3, PaddingMode.Same, strideWidth: 0));
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Conv2DGeometry.Create(100_000, 100, 100, 300, 1, 3, 3, PaddingMode.Same),
            "must each fit in a span");
        AssertEx.Throws<ArgumentException>(() => default(Conv2DGeometry).ThrowIfDefault(), "uninitialised");
    }

    [Fact]
    public void Pool_geometry_pads_like_tensorflow_and_rejects_windows_that_do_not_fit()
    {
        Pool2DGeometry g = Pool2DGeometry.Create(32, 28, 28, 32, 2, 2, 2, 2, PaddingMode.Valid);
        Assert.Equal((14, 14, 0, 0), (g.OutputHeight, g.OutputWidth, g.PadTop, g.PadLeft));
        Pool2DGeometry same = Pool2DGeometry.Create(1, 7, 5, 3, 3, 2, 2, 2, PaddingMode.Same);
        Assert.Equal((4, 3, 1, 0), (same.OutputHeight, same.OutputWidth, same.PadTop, same.PadLeft));
        Assert.Equal("[1, 7, 5, 3] pool 3×2 stride 2×2 pad 1/0 -> [1, 4, 3, 3]", same.ToString());
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Pool2DGeometry.Create(1, 3, 3, 1, 4, 4, 1, 1, PaddingMode.Valid),
            "a 4×4 window is larger than the 3×3 input");
        AssertEx.Throws<ArgumentException>(() => default(Pool2DGeometry).ThrowIfDefault(), "uninitialised");
    }
}
