using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Core;

public class DenseTests
{
    [Theory]
    [InlineData("relu")]
    [InlineData("softmax")]
    [InlineData("sigmoid")]
    [InlineData(null)]
    public void Harness(string? activation)
    {
        // A seeded kernel: from the global generator, which tests running in parallel advance, about one run in a
        // few hundred drew a relu layer dead on both samples, whose kernel then gets an all-zero gradient.
        LayerTest.Run(() => new Dense(4, activation: activation, kernelInitializer: new GlorotUniform(seed: 11)), inputShape: [2, 3],
            expectedOutputShape: [2, 4], trainableWeights: 2, weightNames: ["kernel", "bias"]);
    }

    [Fact]
    public void Harness_on_rank_3_input_and_without_bias()
    {
        LayerTest.Run(() => new Dense(5, activation: "tanh", useBias: false), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 5],
            trainableWeights: 1, weightNames: ["kernel"]);
    }

    [Fact]
    public void Computes_activation_of_x_times_kernel_plus_bias()
    {
        var layer = new Dense(2, activation: "relu", kernelInitializer: new Constant(0.5f), biasInitializer: new Constant(-1f));
        Tensor y = layer.Apply(Tensor.FromArray([1f, 2f, 3f, -4f, 0f, 1f], 2, 3));
        // Row 1: 0.5·(1+2+3) − 1 = 2 ; row 2: 0.5·(−4+0+1) − 1 = −2.5 → relu 0.
        Assert.Equal([2f, 2f, 0f, 0f], y.ToArray());
        Assert.Equal([3, 2], layer.Kernel!.Shape);
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var layer = new Dense(3, activation: "tanh");
        Tensor x = TestData.Uniform([4, 5], seed: 2);
        layer.Apply(x);
        GradCheck.Assert(i => layer.Apply(i[0]), [x], layer.TrainableWeights);
    }

    [Fact]
    public void Wrong_last_axis_names_the_layer_and_suggests_flatten()
    {
        var layer = new Dense(10, name: "dense_x");
        layer.Apply(Tensor.Zeros(2, 784));
        AssertEx.Throws<ShapeMismatchException>(() => layer.Apply(Tensor.Zeros(32, 28, 28)),
            "Layer 'dense_x' (Dense, units=10) expects input with last axis 784, but received shape [32, 28, 28].");
        AssertEx.Throws<ShapeMismatchException>(() => layer.Apply(Tensor.Zeros(32, 28, 28)), "Add a Flatten layer before it");
    }

    [Fact]
    public void Bad_hyperparameters_are_rejected_in_the_constructor()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(0));
        AssertEx.Throws<ArgumentException>(() => new Dense(4, activation: "rleu"), "Unknown activation 'rleu'", "Did you mean 'relu'?");
    }

    [Fact]
    public void Automatic_names_follow_keras()
    {
        Backend.ClearSession();
        Assert.Equal("dense", new Dense(1).Name);
        Assert.Equal("dense_1", new Dense(1).Name);
        Assert.Equal("flatten", new Flatten().Name);
        Assert.Equal("dropout", new Dropout(0.1f).Name);
    }

    [Fact]
    public void Weights_cannot_be_added_after_build()
    {
        var layer = new LateWeightLayer();
        layer.Apply(Tensor.Ones(1, 2));
        AssertEx.Throws<InvalidOperationException>(layer.AddLate, "can only be called from Build()");
    }

    private sealed class LateWeightLayer : Layer
    {
        public void AddLate() => AddWeight("late", [1], new Zeros());

        protected override Tensor Call(Tensor inputs, bool training) => inputs;
    }
}
