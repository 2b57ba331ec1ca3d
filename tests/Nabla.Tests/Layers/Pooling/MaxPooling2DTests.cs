using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Pooling;

public class MaxPooling2DTests
{
    [Theory]
    [InlineData("valid", 3)]
    [InlineData("same", 4)]
    public void Harness(string padding, int size)
    {
        LayerTest.Run(() => new MaxPooling2D(poolSize: 2, padding: padding), inputShape: [2, 7, 7, 3], expectedOutputShape: [2, size, size, 3]);
    }

    [Fact]
    public void Defaults_are_kerass_and_strides_default_to_the_pool_size()
    {
        var layer = new MaxPooling2D();
        Assert.Equal((new IntPair(2, 2), new IntPair(2, 2), "valid"), (layer.PoolSize, layer.Strides, layer.Padding));
        Assert.Equal(new IntPair(3, 1), new MaxPooling2D(poolSize: (3, 1)).Strides);
        Assert.Equal([-1, 14, 14, 32], layer.ComputeOutputShape([-1, 28, 28, 32]));
        Assert.Equal([-1, 27, 14, 32], new MaxPooling2D(2, strides: (1, 2)).ComputeOutputShape([-1, 28, 28, 32]));
    }

    [Fact]
    public void Takes_the_maximum_of_each_window()
    {
        // [[1, 5, 2, 0], [7, 3, 9, 4], [4, 8, 6, 1], [2, 2, 3, 5]] → [[7, 9], [8, 6]].
        Tensor x = Tensor.FromArray([1f, 5f, 2f, 0f, 7f, 3f, 9f, 4f, 4f, 8f, 6f, 1f, 2f, 2f, 3f, 5f], 1, 4, 4, 1);
        AssertEx.Close([7f, 9f, 8f, 6f], [1, 2, 2, 1], new MaxPooling2D().Apply(x));
    }

    [Theory]
    [InlineData(2, 2, "valid")]
    [InlineData(3, 2, "same")]
    [InlineData(3, 1, "valid")]
    public void Gradients_match_finite_differences(int pool, int strides, string padding)
    {
        var layer = new MaxPooling2D(pool, strides, padding);
        GradCheck.Assert(i => layer.Apply(i[0]), [Autodiff.PoolingTests.Distinct([2, 6, 5, 3], seed: 1)]);
    }

    [Fact]
    public void Errors_and_config()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new MaxPooling2D(0), "MaxPooling2D: poolSize must be a pair of integers > 0, but received poolSize=(0, 0).");
        AssertEx.Throws<ArgumentException>(() => new MaxPooling2D(padding: "full"), "Unknown padding 'full'. Known: same, valid.");
        AssertEx.Throws<ShapeMismatchException>(() => new MaxPooling2D(3, name: "p").Apply(Tensor.Zeros(1, 2, 5, 1)),
            "Layer 'p' (MaxPooling2D, poolSize=(3, 3)) computed an output size of zero: its (3, 3) window does not fit input shape [1, 2, 5, 1]");
        AssertEx.Throws<ShapeMismatchException>(() => new MaxPooling2D().Apply(Tensor.Zeros(1, 4, 4)), "expects input of rank 4");
        Dictionary<string, object?> config = new MaxPooling2D((3, 2), strides: 1, padding: "same").GetConfig();
        Assert.Equal(["data_format", "dtype", "name", "padding", "pool_size", "strides", "trainable"], config.Keys.Order(StringComparer.Ordinal));
        var clone = (MaxPooling2D)LayerRegistry.FromConfig("MaxPooling2D", config);
        Assert.Equal((new IntPair(3, 2), new IntPair(1, 1), "same"), (clone.PoolSize, clone.Strides, clone.Padding));
    }
}
