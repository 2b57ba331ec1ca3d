using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Pooling;

public class AveragePooling2DTests
{
    [Theory]
    [InlineData("valid", 3)]
    [InlineData("same", 4)]
    public void Harness(string padding, int size)
    {
        LayerTest.Run(() => new AveragePooling2D(poolSize: 2, padding: padding), inputShape: [2, 7, 7, 3], expectedOutputShape: [2, size, size, 3]);
    }

    [Fact]
    public void Averages_each_window_over_the_real_values()
    {
        // [[1, 5, 2], [7, 3, 9], [4, 8, 6]], pool 2, same: windows of 4, 2, 2 and 1 values → [[4, 5.5], [6, 6]].
        Tensor x = Tensor.FromArray([1f, 5f, 2f, 7f, 3f, 9f, 4f, 8f, 6f], 1, 3, 3, 1);
        AssertEx.Close([4f, 5.5f, 6f, 6f], [1, 2, 2, 1], new AveragePooling2D(padding: "same").Apply(x));
    }

    [Theory]
    [InlineData(2, 2, "valid")]
    [InlineData(3, 2, "same")]
    [InlineData(2, 1, "same")]
    public void Gradients_match_finite_differences(int pool, int strides, string padding)
    {
        var layer = new AveragePooling2D(pool, strides, padding);
        GradCheck.Assert(i => layer.Apply(i[0]), [TestData.Uniform([2, 6, 5, 3], seed: 1)]);
    }

    [Fact]
    public void Config_round_trips()
    {
        var clone = (AveragePooling2D)LayerRegistry.FromConfig("AveragePooling2D", new AveragePooling2D(3, 2, "same").GetConfig());
        Assert.Equal((new IntPair(3, 3), new IntPair(2, 2), "same"), (clone.PoolSize, clone.Strides, clone.Padding));
    }
}
