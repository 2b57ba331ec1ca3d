using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Pooling;

public class GlobalMaxPooling2DTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Harness(bool keepdims)
    {
        LayerTest.Run(() => new GlobalMaxPooling2D(keepdims), inputShape: [2, 3, 4, 5], expectedOutputShape: keepdims ? [2, 1, 1, 5] : [2, 5]);
    }

    [Fact]
    public void Takes_each_channels_maximum_and_passes_gradients()
    {
        Tensor x = Tensor.FromArray([1f, 4f, -2f, 4.5f, 3f, -1f, 0.5f, 2f], 1, 2, 2, 2);
        AssertEx.Close([3f, 4.5f], [1, 2], new GlobalMaxPooling2D().Apply(x));
        var layer = new GlobalMaxPooling2D();
        GradCheck.Assert(i => layer.Apply(i[0]), [Autodiff.PoolingTests.Distinct([2, 3, 2, 4], seed: 1)]);
        Assert.Equal([-1, 1, 1, 7], new GlobalMaxPooling2D(keepdims: true).ComputeOutputShape([-1, 5, 5, 7]));
        AssertEx.Throws<ShapeMismatchException>(() => layer.Apply(Tensor.Zeros(2, 3, 4)), "expects input of rank 4");
    }
}
