using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Core;

public class InputLayerTests
{
    [Fact]
    public void Harness() => LayerTest.Run(() => new InputLayer([3, 4]), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4]);

    [Fact]
    public void Passes_data_through_unchanged()
    {
        Tensor x = TestData.Uniform([5, 3]);
        Assert.Equal(x.ToArray(), new InputLayer([3]).Apply(x).ToArray());
    }

    [Fact]
    public void Gradients_match_finite_differences() =>
        GradCheck.Assert(i => new InputLayer([2, 2]).Apply(i[0]), [TestData.Uniform([3, 2, 2])]);

    [Fact]
    public void Batch_shape_puts_the_batch_axis_first_and_minus_one_when_any()
    {
        Assert.Equal([-1, 28, 28, 1], new InputLayer([28, 28, 1]).BatchShape);
        Assert.Equal([8, 3], new InputLayer([3], batchSize: 8).BatchShape);
        var input = new Input(shape: [784], name: "pixels");
        Assert.Equal([-1, 784], input.Shape);
        Assert.Equal("pixels", input.InputLayer.Name);
        Assert.Same(input.InputLayer, input.Layer);
        Assert.StartsWith("input_layer", new InputLayer([1]).Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_round_trip_keeps_the_batch_shape_and_name()
    {
        var layer = new InputLayer([3, 4], batchSize: 8, name: "features");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal([8, 3, 4], Assert.IsType<int[]>(config["batch_shape"]));
        Assert.False(config.ContainsKey("input_shape"));   // Keras 3 writes batch_shape only
        var clone = Assert.IsType<InputLayer>(LayerRegistry.FromConfig("InputLayer", config));
        Assert.Equal("features", clone.Name);
        Assert.Equal([8, 3, 4], clone.BatchShape);
        var any = Assert.IsType<InputLayer>(LayerRegistry.FromConfig("InputLayer", new InputLayer([5]).GetConfig()));
        Assert.Equal([-1, 5], any.BatchShape);
    }

    [Fact]
    public void Bad_batch_size_or_shape_is_rejected()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new InputLayer([3], batchSize: 0), "InputLayer: batchSize must be positive when given.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Input(shape: [3], batchSize: -4), "InputLayer: batchSize must be positive when given.");
        AssertEx.Throws<ArgumentException>(() => new InputLayer([3, 0]),
            "InputLayer: shape must hold positive lengths (or -1 for unknown), but received [3, 0].");
        AssertEx.Throws<ArgumentException>(() => new Input(shape: [-2]), "InputLayer: shape must hold positive lengths", "received [-2]");
        AssertEx.Throws<ArgumentException>(() => LayerRegistry.FromConfig("InputLayer", new Dictionary<string, object?> { ["name"] = "x" }),
            "InputLayer config needs 'batch_shape'.");
    }

    [Fact]
    public void Input_of_another_rank_names_the_layer_and_its_shape() =>
        AssertEx.Throws<ShapeMismatchException>(() => new InputLayer([3, 4], name: "in").Apply(Tensor.Zeros(2, 12)),
            "Layer 'in' (InputLayer, shape=[3, 4]) expects input of rank 3, but received shape [2, 12] (rank 2).");
}
