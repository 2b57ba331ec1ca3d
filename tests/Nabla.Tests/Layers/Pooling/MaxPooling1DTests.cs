using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Pooling;

public class MaxPooling1DTests
{
    [Theory]
    [InlineData("valid", 5)]
    [InlineData("same", 6)]
    public void Harness(string padding, int steps)
    {
        LayerTest.Run(() => new MaxPooling1D(padding: padding), inputShape: [2, 11, 3], expectedOutputShape: [2, steps, 3]);
    }

    [Fact]
    public void Matches_kerass_docstring_examples()
    {
        // Keras's MaxPooling1D docstring: x = [1, 2, 3, 4, 5] pooled by 2 with stride 1 valid → [2, 3, 4, 5];
        // stride 2 valid → [2, 4]; stride 1 same → [2, 3, 4, 5, 5].
        Tensor x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f], 1, 5, 1);
        AssertEx.Close([2f, 3f, 4f, 5f], [1, 4, 1], new MaxPooling1D(2, strides: 1).Apply(x));
        AssertEx.Close([2f, 4f], [1, 2, 1], new MaxPooling1D(2, strides: 2).Apply(x));
        AssertEx.Close([2f, 3f, 4f, 5f, 5f], [1, 5, 1], new MaxPooling1D(2, strides: 1, padding: "same").Apply(x));
    }

    [Fact]
    public void Gradients_match_finite_differences_and_config_round_trips()
    {
        var layer = new MaxPooling1D(3, strides: 2, padding: "same");
        GradCheck.Assert(i => layer.Apply(i[0]), [Autodiff.PoolingTests.Distinct([2, 8, 3], seed: 2)]);
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal([3], (int[])config["pool_size"]!);
        var clone = (MaxPooling1D)LayerRegistry.FromConfig("MaxPooling1D", config);
        Assert.Equal((3, 2, "same"), (clone.PoolSize, clone.Strides, clone.Padding));
    }
}
