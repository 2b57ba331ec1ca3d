using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Preprocessing;

public class RescalingTests
{
    [Fact]
    public void Harness() => LayerTest.Run(() => new Rescaling(1 / 127.5, offset: -1), inputShape: [2, 5, 7, 3], expectedOutputShape: [2, 5, 7, 3]);

    [Fact]
    public void Harness_on_any_rank() => LayerTest.Run(() => new Rescaling(2.0), inputShape: [4, 3], expectedOutputShape: [4, 3]);

    [Fact]
    public void Maps_pixels_to_the_unit_range_and_to_plus_minus_one_in_training_and_inference()
    {
        Tensor x = Tensor.FromArray([0f, 127.5f, 255f], 1, 1, 3);
        AssertEx.Close([0f, 0.5f, 1f], new Rescaling(1 / 255.0).Apply(x).ToArray(), atol: 1e-6, rtol: 0);
        var symmetric = new Rescaling(1 / 127.5, offset: -1);
        AssertEx.Close([-1f, 0f, 1f], symmetric.Apply(x).ToArray(), atol: 1e-6, rtol: 0);
        AssertEx.Close([-1f, 0f, 1f], symmetric.Apply(x, training: true).ToArray(), atol: 1e-6, rtol: 0);
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var layer = new Rescaling(-0.75, offset: 3);
        GradCheck.Assert(i => layer.Apply(i[0], training: true), [TestData.Uniform([3, 4, 2], seed: 2)]);
    }

    [Fact]
    public void Config_has_Keras_keys_and_round_trips()
    {
        var layer = new Rescaling(1 / 255.0, name: "scale", inputShape: [28, 28, 1]);
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal((1 / 255.0, 0.0), ((double)config["scale"]!, (double)config["offset"]!));
        var clone = (Rescaling)LayerRegistry.FromConfig("Rescaling", config);
        Assert.Equal((1 / 255.0, 0.0, "scale"), (clone.Scale, clone.Offset, clone.Name));
        Assert.Equal([28, 28, 1], clone.InputShape!);
        AssertEx.Throws<ArgumentException>(() => LayerRegistry.FromConfig("Rescaling", new Dictionary<string, object?> { ["offset"] = 1.0 }), "'scale'");
    }

    [Fact]
    public void A_scale_that_is_not_finite_is_refused() =>
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Rescaling(double.PositiveInfinity), "Rescaling: scale must be a finite number");
}
