using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Convolutional;

public class Conv2DTransposeTests
{
    [Theory]
    [InlineData("same", 2, 8)]
    [InlineData("valid", 2, 9)]
    [InlineData("valid", 1, 6)]
    public void Harness(string padding, int strides, int size)
    {
        LayerTest.Run(() => new Conv2DTranspose(3, kernelSize: 3, strides: strides, padding: padding, activation: "relu", kernelInitializer: new GlorotUniform(seed: 2)),
            inputShape: [2, 4, 4, 2], expectedOutputShape: [2, size, size, 3], trainableWeights: 2, weightNames: ["kernel", "bias"]);
    }

    [Fact]
    public void Kernel_is_filters_before_input_channels_as_keras_stores_it()
    {
        var layer = new Conv2DTranspose(16, kernelSize: (3, 2), strides: 2, padding: "same");
        Assert.Equal([2, 14, 14, 16], layer.Apply(Tensor.Zeros(2, 7, 7, 4)).Shape);
        Assert.Equal([3, 2, 16, 4], layer.Kernel!.Shape);
        Assert.Equal([-1, 15, -1, 16], new Conv2DTranspose(16, 3, strides: 2).ComputeOutputShape([-1, 7, -1, 4]));
    }

    [Fact]
    public void Computes_a_hand_checked_upsampling()
    {
        // A 2×2 input [[1, 2], [3, 4]], stride 2, a 2×2 kernel of ones, bias 0.5, valid: each value fills its own
        // 2×2 block of the 4×4 output.
        var layer = new Conv2DTranspose(1, kernelSize: 2, strides: 2, kernelInitializer: new Ones(), biasInitializer: new Constant(0.5));
        Tensor y = layer.Apply(Tensor.FromArray([1f, 2f, 3f, 4f], 1, 2, 2, 1));
        AssertEx.Close([1.5f, 1.5f, 2.5f, 2.5f, 1.5f, 1.5f, 2.5f, 2.5f, 3.5f, 3.5f, 4.5f, 4.5f, 3.5f, 3.5f, 4.5f, 4.5f], [1, 4, 4, 1], y);
    }

    [Theory]
    [InlineData("valid", 1, 1)]
    [InlineData("same", 1, 1)]
    [InlineData("valid", 2, 1)]
    [InlineData("same", 2, 1)]
    [InlineData("valid", 1, 2)]
    [InlineData("same", 1, 2)]
    public void Gradients_match_finite_differences(string padding, int strides, int dilation)
    {
        var layer = new Conv2DTranspose(3, kernelSize: (3, 2), strides: strides, padding: padding, dilationRate: dilation,
            activation: "tanh", biasInitializer: new RandomUniform(seed: 1));
        Tensor x = TestData.Uniform([2, 3, 4, 2], seed: 2);
        layer.Apply(x);
        GradCheck.Assert(i => layer.Apply(i[0]), [x], layer.TrainableWeights);
    }

    [Fact]
    public void Bad_arguments_are_rejected_and_the_config_round_trips()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Conv2DTranspose(-1, 3), "Conv2DTranspose: filters must be a strictly positive value, but received filters=-1.");
        var layer = new Conv2DTranspose(4, kernelSize: 3, strides: 2, padding: "same");
        Dictionary<string, object?> config = layer.GetConfig();
        var clone = (Conv2DTranspose)LayerRegistry.FromConfig("Conv2DTranspose", config);
        Assert.Equal((4, new IntPair(2, 2), "same"), (clone.Filters, clone.Strides, clone.Padding));
        config["output_padding"] = new[] { 1, 1 };
        AssertEx.Throws<ArgumentException>(() => LayerRegistry.FromConfig("Conv2DTranspose", config), "output_padding=(1, 1)");
    }
}
