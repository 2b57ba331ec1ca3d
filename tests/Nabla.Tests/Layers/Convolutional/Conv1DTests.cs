using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Convolutional;

public class Conv1DTests
{
    [Theory]
    [InlineData("valid", 8)]
    [InlineData("same", 10)]
    [InlineData("causal", 10)]
    public void Harness(string padding, int steps)
    {
        LayerTest.Run(() => new Conv1D(4, kernelSize: 3, padding: padding, activation: "relu", kernelInitializer: new GlorotUniform(seed: 5)),
            inputShape: [2, 10, 3], expectedOutputShape: [2, steps, 4], trainableWeights: 2, weightNames: ["kernel", "bias"]);
    }

    [Fact]
    public void Kernel_is_stored_as_keras_stores_it()
    {
        var layer = new Conv1D(32, kernelSize: 3, groups: 2, inputShape: [10, 128]);
        Assert.Equal([2, 8, 32], layer.Apply(Tensor.Zeros(2, 10, 128)).Shape);
        Assert.Equal([3, 64, 32], layer.Kernel!.Shape);
        Assert.Equal([-1, 4, 32], new Conv1D(32, kernelSize: 3, strides: 2).ComputeOutputShape([-1, 10, 128]));
    }

    [Fact]
    public void Causal_padding_sees_only_the_past()
    {
        // Kernel taps [1, 10], no bias: y[t] = 1·x[t − 1] + 10·x[t], with x[−1] = 0: x = [1, 2, 3] → [10, 21, 32].
        var layer = new Conv1D(1, kernelSize: 2, padding: "causal", useBias: false);
        Tensor x = Tensor.FromArray([1f, 2f, 3f], 1, 3, 1);
        layer.Apply(x);
        layer.Kernel!.Assign(Tensor.FromArray([1f, 10f], 2, 1, 1));
        AssertEx.Close([10f, 21f, 32f], [1, 3, 1], layer.Apply(x));
    }

    [Theory]
    [InlineData("valid", 1, 1, 1)]
    [InlineData("same", 2, 1, 1)]
    [InlineData("causal", 1, 2, 1)]
    [InlineData("causal", 2, 1, 2)]
    [InlineData("same", 1, 2, 2)]
    public void Gradients_match_finite_differences(string padding, int strides, int dilation, int groups)
    {
        var layer = new Conv1D(2 * groups, kernelSize: 3, strides: strides, padding: padding, dilationRate: dilation, groups: groups,
            activation: "tanh", biasInitializer: new RandomUniform(seed: 1));
        Tensor x = TestData.Uniform([2, 9, 2 * groups], seed: 2);
        layer.Apply(x);
        GradCheck.Assert(i => layer.Apply(i[0]), [x], layer.TrainableWeights);
    }

    [Fact]
    public void Bad_arguments_and_inputs_are_rejected()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Conv1D(4, 0), "Conv1D: kernelSize must be an integer > 0, but received kernelSize=0.");
        AssertEx.Throws<ArgumentException>(() => new Conv1D(4, 3, padding: "casual"), "Unknown padding 'casual'. Known: causal, same, valid. Did you mean 'causal'?");
        AssertEx.Throws<ArgumentException>(() => new Conv2D(4, 3, padding: "causal"), "Known: same, valid.");
        AssertEx.Throws<ShapeMismatchException>(() => new Conv1D(4, 5, name: "c1").Apply(Tensor.Zeros(1, 3, 2)),
            "Layer 'c1' (Conv1D, filters=4, kernelSize=5) computed an output size of zero: its 5 window does not fit input shape [None, 3, 2]");
    }

    [Fact]
    public void Config_writes_one_element_tuples_and_round_trips()
    {
        var layer = new Conv1D(6, kernelSize: 4, strides: 2, padding: "causal");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal([4], (int[])config["kernel_size"]!);
        Assert.Equal([2], (int[])config["strides"]!);
        Assert.Equal([1], (int[])config["dilation_rate"]!);
        var clone = (Conv1D)LayerRegistry.FromConfig("Conv1D", config);
        Assert.Equal((4, 2, "causal"), (clone.KernelSize, clone.Strides, clone.Padding));
    }
}
