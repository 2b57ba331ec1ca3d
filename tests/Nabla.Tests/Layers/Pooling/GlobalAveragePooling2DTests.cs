using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Pooling;

public class GlobalAveragePooling2DTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Harness(bool keepdims)
    {
        LayerTest.Run(() => new GlobalAveragePooling2D(keepdims), inputShape: [2, 3, 4, 5], expectedOutputShape: keepdims ? [2, 1, 1, 5] : [2, 5]);
    }

    [Fact]
    public void Averages_each_channel_and_passes_gradients()
    {
        Tensor x = Tensor.FromArray([1f, 4f, -2f, 4.5f, 3f, -1f, 0.5f, 2f], 1, 2, 2, 2);
        AssertEx.Close([0.625f, 2.375f], [1, 2], new GlobalAveragePooling2D().Apply(x));
        var layer = new GlobalAveragePooling2D(keepdims: true);
        GradCheck.Assert(i => layer.Apply(i[0]), [TestData.Uniform([2, 3, 2, 4], seed: 1)]);
        Assert.False((bool)new GlobalAveragePooling2D().GetConfig()["keepdims"]!);
        Assert.True(((GlobalAveragePooling2D)LayerRegistry.FromConfig("GlobalAveragePooling2D", layer.GetConfig())).Keepdims);
    }
}
