using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Regularizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Convolutional;

public class Conv2DTests
{
    [Theory]
    [InlineData("relu", "valid")]
    [InlineData("softmax", "same")]
    [InlineData(null, "same")]
    public void Harness(string? activation, string padding)
    {
        int size = padding == "same" ? 6 : 4;
        LayerTest.Run(() => new Conv2D(3, kernelSize: 3, padding: padding, activation: activation, kernelInitializer: new GlorotUniform(seed: 5)),
            inputShape: [2, 6, 6, 2], expectedOutputShape: [2, size, size, 3], trainableWeights: 2, weightNames: ["kernel", "bias"]);
    }

    [Fact]
    public void Harness_with_strides_dilation_groups_and_no_bias()
    {
        LayerTest.Run(() => new Conv2D(4, kernelSize: (2, 3), strides: (2, 1), groups: 2, useBias: false, activation: "tanh"),
            inputShape: [2, 7, 6, 4], expectedOutputShape: [2, 3, 4, 4], trainableWeights: 1, weightNames: ["kernel"]);
        LayerTest.Run(() => new Conv2D(2, kernelSize: 3, dilationRate: 2, padding: "same"),
            inputShape: [1, 5, 6, 3], expectedOutputShape: [1, 5, 6, 2], trainableWeights: 2);
    }

    [Fact]
    public void The_api_examples_compile_and_build_keras_shapes()
    {
        var conv = new Conv2D(32, kernelSize: 3, activation: "relu", padding: "same", inputShape: [28, 28, 1]);
        Tensor y = conv.Apply(Tensor.Zeros(2, 28, 28, 1));
        Assert.Equal([2, 28, 28, 32], y.Shape);
        Assert.Equal([3, 3, 1, 32], conv.Kernel!.Shape);
        Assert.Equal(320, conv.CountParams());
        var wide = new Conv2D(8, kernelSize: (3, 5), strides: 2);
        Assert.Equal([-1, 13, 12, 8], wide.ComputeOutputShape([-1, 28, 28, 1]));
        Assert.Equal(new IntPair(3, 5), wide.KernelSize);
        Assert.Equal(new IntPair(2, 2), wide.Strides);
    }

    [Fact]
    public void Computes_a_hand_checked_convolution()
    {
        // One 3×3 image with two channels, a 2×2 kernel to one filter, valid. Channel 0 = [[1, 2, 3], [4, 5, 6],
        // [7, 8, 9]], channel 1 = 1 everywhere; the kernel takes x0[i, j] + 2·x0[i+1, j+1] from channel 0 and
        // −1 per tap from channel 1, bias 0.5: y[i, j] = x0[i, j] + 2·x0[i+1, j+1] − 4 + 0.5.
        // y = [[1 + 10 − 3.5, 2 + 12 − 3.5], [4 + 16 − 3.5, 5 + 18 − 3.5]] = [[7.5, 10.5], [16.5, 19.5]].
        var layer = new Conv2D(1, kernelSize: 2, biasInitializer: new Constant(0.5f));
        Tensor x = Tensor.FromArray([1f, 1f, 2f, 1f, 3f, 1f, 4f, 1f, 5f, 1f, 6f, 1f, 7f, 1f, 8f, 1f, 9f, 1f], 1, 3, 3, 2);
        layer.Apply(x);
        layer.Kernel!.Assign(Tensor.FromArray([1f, -1f, 0f, -1f, 0f, -1f, 2f, -1f], 2, 2, 2, 1));
        AssertEx.Close([7.5f, 10.5f, 16.5f, 19.5f], [1, 2, 2, 1], layer.Apply(x));
    }

    public static TheoryData<string, int, int, int> WindowCases() => new()
    {
        { "valid", 1, 1, 1 },
        { "same", 1, 1, 1 },
        { "valid", 2, 1, 1 },
        { "same", 2, 1, 1 },
        { "valid", 1, 2, 1 },
        { "same", 1, 2, 1 },
        { "same", 1, 1, 2 },
        { "valid", 2, 1, 3 },
    };

    [Theory]
    [MemberData(nameof(WindowCases))]
    public void Gradients_match_finite_differences(string padding, int strides, int dilation, int groups)
    {
        var layer = new Conv2D(3 * groups, kernelSize: (3, 2), strides: strides, padding: padding, dilationRate: dilation, groups: groups,
            activation: "tanh", biasInitializer: new RandomUniform(seed: 1), kernelInitializer: new GlorotUniform(seed: 2));
        Tensor x = TestData.Uniform([2, 7, 6, 3 * groups], seed: 3);
        layer.Apply(x);
        GradCheck.Assert(i => layer.Apply(i[0]), [x], layer.TrainableWeights);
    }

    [Fact]
    public void A_regularized_kernel_adds_its_penalty()
    {
        var layer = new Conv2D(2, kernelSize: 1, kernelInitializer: new Constant(0.5f), kernelRegularizer: new L2(0.1f));
        layer.Apply(Tensor.Zeros(1, 2, 2, 3));
        Assert.Equal(0.1f * 6 * 0.25f, layer.Losses.Single().Item(), 5);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_keras_messages()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Conv2D(0, 3), "Conv2D: filters must be a strictly positive value, but received filters=0.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Conv2D(32, 3, groups: 0), "the number of groups must be a positive integer, but received groups=0.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Conv2D(32, 3, groups: 3),
            "the number of filters must be evenly divisible by the number of groups, but received groups=3, filters=32.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Conv2D(8, (3, 0)), "kernelSize must be a pair of integers > 0, but received kernelSize=(3, 0).");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Conv2D(8, 3, strides: 0), "strides=(0, 0)");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Conv2D(8, 3, strides: 2, dilationRate: 2),
            "strides > 1 is not supported together with dilationRate > 1, but received strides=(2, 2) and dilationRate=(2, 2).");
        AssertEx.Throws<ArgumentException>(() => new Conv2D(8, 3, padding: "vaild"), "Unknown padding 'vaild'. Known: same, valid. Did you mean 'valid'?");
        AssertEx.Throws<ArgumentException>(() => new Conv2D(8, 3, activation: "rleu"), "Unknown activation 'rleu'");
        Assert.Equal("same", new Conv2D(8, 3, padding: "SAME").Padding);
    }

    [Fact]
    public void Input_errors_name_the_layer_and_the_shape()
    {
        var grouped = new Conv2D(4, kernelSize: 3, groups: 2, name: "conv_g");
        AssertEx.Throws<ShapeMismatchException>(() => grouped.Apply(Tensor.Zeros(1, 5, 5, 3)),
            "Layer 'conv_g' (Conv2D, filters=4, kernelSize=(3, 3)) expects the number of input channels to be evenly divisible by the number of groups, but received groups=2 and an input with 3 channels (full input shape [None, 5, 5, 3]).");

        var big = new Conv2D(1, kernelSize: 5, name: "conv_big");
        AssertEx.Throws<ShapeMismatchException>(() => big.Apply(Tensor.Zeros(1, 3, 8, 1)),
            "Layer 'conv_big' (Conv2D, filters=1, kernelSize=(5, 5)) computed an output size of zero: its (5, 5) window does not fit input shape [None, 3, 8, 1] with padding \"valid\".",
            "Use padding \"same\"");

        var conv = new Conv2D(2, kernelSize: 3, name: "conv_r");
        AssertEx.Throws<ShapeMismatchException>(() => conv.Apply(Tensor.Zeros(2, 28, 28)), "Layer 'conv_r' (Conv2D, filters=2, kernelSize=(3, 3)) expects input of rank 4, but received shape [2, 28, 28] (rank 3).");
        conv.Apply(Tensor.Zeros(1, 6, 6, 3));
        AssertEx.Throws<ShapeMismatchException>(() => conv.Apply(Tensor.Zeros(1, 6, 6, 4)), "expects input with last axis 3, but received shape [1, 6, 6, 4].");
        AssertEx.Throws<ShapeMismatchException>(() => conv.Apply(Tensor.Zeros(1, 2, 6, 3)), "computed an output size of zero");
        AssertEx.Throws<ShapeMismatchException>(() => new Conv2D(2, 3).ComputeOutputShape([-1, 784]), "expects input of rank 4, but received shape [None, 784] (rank 2).");
    }

    [Fact]
    public void Config_has_keras_keys_and_round_trips()
    {
        var layer = new Conv2D(16, kernelSize: (3, 5), strides: (1, 2), padding: "same", activation: "relu", kernelRegularizer: new L2(0.01f), name: "c");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal(
            ["activation", "bias_initializer", "bias_regularizer", "data_format", "dilation_rate", "dtype", "filters", "groups", "kernel_initializer",
             "kernel_regularizer", "kernel_size", "name", "padding", "strides", "trainable", "use_bias"],
            config.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([3, 5], (int[])config["kernel_size"]!);
        Assert.Equal([1, 2], (int[])config["strides"]!);
        Assert.Equal("channels_last", config["data_format"]);
        var clone = (Conv2D)LayerRegistry.FromConfig("Conv2D", config);
        Assert.Equal((new IntPair(3, 5), new IntPair(1, 2), "same", "relu"), (clone.KernelSize, clone.Strides, clone.Padding, clone.Activation.Name));
        Assert.IsType<L2>(clone.KernelRegularizer);
        config["data_format"] = "channels_first";
        AssertEx.Throws<ArgumentException>(() => LayerRegistry.FromConfig("Conv2D", config), "channels-last");
    }

    [Fact]
    public void Automatic_names_follow_keras()
    {
        Backend.ClearSession();
        Assert.Equal("conv2d", new Conv2D(1, 1).Name);
        Assert.Equal("conv2d_1", new Conv2D(1, 1).Name);
        Assert.Equal("conv2d_transpose", new Conv2DTranspose(1, 1).Name);
        Assert.Equal("depthwise_conv2d", new DepthwiseConv2D(1).Name);
        Assert.Equal("separable_conv2d", new SeparableConv2D(1, 1).Name);
        Assert.Equal("conv1d", new Conv1D(1, 1).Name);
        Assert.Equal("max_pooling2d", new MaxPooling2D().Name);
        Assert.Equal("batch_normalization", new BatchNormalization().Name);
        Assert.Equal("global_average_pooling2d", new GlobalAveragePooling2D().Name);
        Assert.Equal("up_sampling2d", new UpSampling2D().Name);
        Assert.Equal("zero_padding2d", new ZeroPadding2D().Name);
        Assert.Equal("spatial_dropout2d", new SpatialDropout2D(0.1).Name);
    }
}
