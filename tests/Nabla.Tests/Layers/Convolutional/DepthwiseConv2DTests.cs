using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Convolutional;

public class DepthwiseConv2DTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Harness(int multiplier)
    {
        LayerTest.Run(() => new DepthwiseConv2D(3, padding: "same", depthMultiplier: multiplier, activation: "relu", depthwiseInitializer: new GlorotUniform(seed: 4)),
            inputShape: [2, 5, 5, 3], expectedOutputShape: [2, 5, 5, 3 * multiplier], trainableWeights: 2, weightNames: ["kernel", "bias"]);
    }

    [Fact]
    public void Each_channel_has_its_own_filters_in_kerass_layout()
    {
        // Two channels, multiplier 2, a 1×1 kernel [1, 1, 2, 2] = [[10, 20], [30, 40]]: output channel c·2 + m is
        // x[c]·k[c, m], so x = (1, 2) gives (10, 20, 60, 80).
        var layer = new DepthwiseConv2D(1, depthMultiplier: 2, useBias: false);
        Tensor x = Tensor.FromArray([1f, 2f], 1, 1, 1, 2);
        layer.Apply(x);
        Assert.Equal([1, 1, 2, 2], layer.Kernel!.Shape);
        layer.Kernel.Assign(Tensor.FromArray([10f, 20f, 30f, 40f], 1, 1, 2, 2));
        AssertEx.Close([10f, 20f, 60f, 80f], [1, 1, 1, 4], layer.Apply(x));
    }

    [Theory]
    [InlineData("valid", 1, 1, 1)]
    [InlineData("same", 2, 1, 2)]
    [InlineData("same", 1, 2, 1)]
    [InlineData("valid", 1, 2, 3)]
    public void Gradients_match_finite_differences(string padding, int strides, int dilation, int multiplier)
    {
        var layer = new DepthwiseConv2D((3, 2), strides: strides, padding: padding, depthMultiplier: multiplier, dilationRate: dilation,
            activation: "tanh", biasInitializer: new RandomUniform(seed: 1));
        Tensor x = TestData.Uniform([2, 7, 6, 3], seed: 2);
        layer.Apply(x);
        GradCheck.Assert(i => layer.Apply(i[0]), [x], layer.TrainableWeights);
    }

    [Fact]
    public void Bad_arguments_are_rejected_and_the_config_round_trips()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new DepthwiseConv2D(3, depthMultiplier: 0),
            "DepthwiseConv2D: depthMultiplier must be a strictly positive value, but received depthMultiplier=0.");
        var layer = new DepthwiseConv2D((3, 1), depthMultiplier: 3, padding: "same");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Contains("depthwise_initializer", config.Keys);
        Assert.Equal(3, config["depth_multiplier"]);
        var clone = (DepthwiseConv2D)LayerRegistry.FromConfig("DepthwiseConv2D", config);
        Assert.Equal((new IntPair(3, 1), 3, "same"), (clone.KernelSize, clone.DepthMultiplier, clone.Padding));
        Assert.Equal([-1, 9, 9, 12], clone.ComputeOutputShape([-1, 9, 9, 4]));
    }
}
