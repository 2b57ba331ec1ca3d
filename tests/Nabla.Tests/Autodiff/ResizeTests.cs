using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class ResizeTests
{
    [Theory]
    [InlineData(1, 1, 1, 1)]
    [InlineData(0, 2, 3, 0)]
    [InlineData(2, 0, 0, 1)]
    public void Padding_and_cropping_gradients_match_finite_differences(int top, int bottom, int left, int right)
    {
        Tensor x = TestData.Uniform([2, 4, 5, 3], seed: 1);
        GradCheck.Assert(t => Ops.ZeroPad2D(t[0], top, bottom, left, right), [x]);
        GradCheck.Assert(t => Ops.Crop2D(t[0], top, bottom, left, right), [x]);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(1, 3)]
    [InlineData(3, 1)]
    public void Upsampling_gradients_match_finite_differences(int sh, int sw)
    {
        GradCheck.Assert(t => Ops.UpSample2D(t[0], sh, sw), [TestData.Uniform([2, 3, 2, 3], seed: 2)]);
    }

    [Fact]
    public void Hand_computed_pad_crop_and_upsample()
    {
        // x = [[1, 2], [3, 4]] (one channel). Pad top 1, left 1: [[0, 0, 0], [0, 1, 2], [0, 3, 4]].
        // Crop top 1, left 1 of that gives x back. Upsample (1, 2): [[1, 1, 2, 2], [3, 3, 4, 4]]; its gradient
        // with L = Σ y·r, r = 1..8: dx = [[1 + 2, 3 + 4], [5 + 6, 7 + 8]].
        Tensor x = Tensor.FromArray([1f, 2f, 3f, 4f], 1, 2, 2, 1);
        Tensor padded = Ops.ZeroPad2D(x, 1, 0, 1, 0);
        AssertEx.Close([0f, 0f, 0f, 0f, 1f, 2f, 0f, 3f, 4f], [1, 3, 3, 1], padded);
        AssertEx.Close(x, Ops.Crop2D(padded, 1, 0, 1, 0), atol: 0, rtol: 0);
        (Tensor up, Tensor[] g) = Gradients.Of(() => Ops.UpSample2D(x, 1, 2), Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f], 1, 2, 4, 1), x);
        AssertEx.Close([1f, 1f, 2f, 2f, 3f, 3f, 4f, 4f], [1, 2, 4, 1], up);
        AssertEx.Close([3f, 7f, 11f, 15f], [1, 2, 2, 1], g[0]);
    }
}
