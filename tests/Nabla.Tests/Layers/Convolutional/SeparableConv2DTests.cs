using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Convolutional;

public class SeparableConv2DTests
{
    [Fact]
    public void Harness()
    {
        LayerTest.Run(() => new SeparableConv2D(4, kernelSize: 3, depthMultiplier: 2, activation: "relu", depthwiseInitializer: new GlorotUniform(seed: 1),
                pointwiseInitializer: new GlorotUniform(seed: 2)),
            inputShape: [2, 6, 5, 3], expectedOutputShape: [2, 4, 3, 4], trainableWeights: 3,
            weightNames: ["depthwise_kernel", "pointwise_kernel", "bias"]);
    }

    [Fact]
    public void Is_a_depthwise_then_a_pointwise_convolution()
    {
        // Two channels, 1×1 depthwise taps (2, 3), pointwise [[1], [10]], bias 1: y = 2·x0 + 30·x1 + 1.
        var layer = new SeparableConv2D(1, kernelSize: 1, biasInitializer: new Constant(1));
        Tensor x = Tensor.FromArray([1f, 2f, -1f, 0.5f], 1, 1, 2, 2);
        layer.Apply(x);
        Assert.Equal([1, 1, 2, 1], layer.DepthwiseKernel!.Shape);
        Assert.Equal([1, 1, 2, 1], layer.PointwiseKernel!.Shape);
        layer.DepthwiseKernel.Assign(Tensor.FromArray([2f, 3f], 1, 1, 2, 1));
        layer.PointwiseKernel.Assign(Tensor.FromArray([1f, 10f], 1, 1, 2, 1));
        AssertEx.Close([63f, 14f], [1, 1, 2, 1], layer.Apply(x));
        Assert.Equal(2 + 2 + 1, layer.CountParams());
    }

    [Theory]
    [InlineData("valid", 1, 1)]
    [InlineData("same", 2, 1)]
    [InlineData("same", 1, 2)]
    public void Gradients_match_finite_differences(string padding, int strides, int dilation)
    {
        var layer = new SeparableConv2D(3, kernelSize: (2, 3), strides: strides, padding: padding, dilationRate: dilation, depthMultiplier: 2,
            activation: "tanh", biasInitializer: new RandomUniform(seed: 1));
        Tensor x = TestData.Uniform([2, 6, 7, 2], seed: 2);
        layer.Apply(x);
        GradCheck.Assert(i => layer.Apply(i[0]), [x], layer.TrainableWeights);
    }

    [Fact]
    public void Config_round_trips()
    {
        var layer = new SeparableConv2D(8, kernelSize: 3, strides: 2, depthMultiplier: 2, padding: "same");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Contains("pointwise_initializer", config.Keys);
        var clone = (SeparableConv2D)LayerRegistry.FromConfig("SeparableConv2D", config);
        Assert.Equal((8, new IntPair(2, 2), 2), (clone.Filters, clone.Strides, clone.DepthMultiplier));
        Assert.Equal([-1, 5, 5, 8], clone.ComputeOutputShape([-1, 9, 9, 3]));
    }
}
