using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Core;

public class LambdaTests
{
    [Fact]
    public void Applies_its_function_and_infers_the_output_shape_by_running_it()
    {
        var square = new Lambda(x => x * x);
        Assert.Equal([1f, 4f, 9f, 16f], square.Apply(Tensor.FromArray([1f, -2f, 3f, 4f], 2, 2)).ToArray());
        Assert.Equal([-1, 2], square.ComputeOutputShape([-1, 2]));

        var sum = new Lambda(x => Ops.Sum(x, axis: -1, keepDims: true));
        Assert.Equal([-1, 3, 1], sum.ComputeOutputShape([-1, 3, 5]));
        Assert.Equal([-1, 3, 1], sum.Apply(new Input(shape: [3, 5])).Shape);
    }

    [Fact]
    public void A_given_output_shape_is_used_without_running_the_function()
    {
        int calls = 0;
        var layer = new Lambda(x => { calls++; return x.Reshape(x.Dim(0), -1); }, outputShape: [12]);
        Assert.Equal([-1, 12], layer.ComputeOutputShape([-1, 3, 4]));
        Assert.Equal([8, 12], layer.ComputeOutputShape([8, 3, 4]));
        Assert.Equal(0, calls);
    }

    [Fact]
    public void The_list_form_takes_several_inputs()
    {
        var product = new Lambda((IReadOnlyList<Tensor> xs) => xs[0] * xs[1] + xs[2]);
        Tensor y = product.Apply([Tensor.FromArray([1f, 2f], 2, 1), Tensor.FromArray([3f, 4f], 2, 1), Tensor.FromArray([5f, 6f], 2, 1)]);
        Assert.Equal([8f, 14f], y.ToArray());
        Assert.Equal([-1, 1], product.ComputeOutputShape([[-1, 1], [-1, 1], [-1, 1]]));
        Assert.Equal([-1, 1], product.Apply([new Input(shape: [1]), new Input(shape: [1]), new Input(shape: [1])]).Shape);
        AssertEx.Throws<ArgumentException>(() => product.Apply(Tensor.Ones(2, 1)), "takes a list of inputs");
        Assert.Equal([-1, 7], new Lambda((IReadOnlyList<Tensor> xs) => xs[0], outputShape: [7]).ComputeOutputShape([[-1, 3], [-1, 4]]));
    }

    [Fact]
    public void Gradients_flow_through_the_function()
    {
        var layer = new Lambda(x => Ops.Tanh(x) * x);
        GradCheck.Assert(t => layer.Apply(t[0]), [TestData.Uniform([3, 4], seed: 1)]);
        var pair = new Lambda((IReadOnlyList<Tensor> xs) => Ops.Sum(xs[0] * xs[1], axis: -1, keepDims: true));
        GradCheck.Assert(t => pair.Apply(t), [TestData.Uniform([3, 4], seed: 2), TestData.Uniform([3, 4], seed: 3)]);
    }

    [Fact]
    public void Sits_in_a_sequential_model_that_trains()
    {
        Nabla.Random.SetSeed(3);
        var model = new Sequential([new Dense(8, activation: "tanh", inputShape: [2]), new Lambda(x => x * 2f), new Dense(1)]);
        model.Compile(optimizer: new Nabla.Optimizers.Adam(learningRate: 0.02), loss: "mse");
        Tensor x = TestData.Uniform([64, 2], seed: 4);
        Tensor y = Ops.Sum(x, axis: -1, keepDims: true);
        IReadOnlyList<double> loss = model.Fit(x, y, batchSize: 16, epochs: 10, verbose: 0)["loss"];
        Assert.True(loss[^1] < 0.2 * loss[0], $"The loss fell only from {loss[0]:G4} to {loss[^1]:G4}.");
        Assert.Equal(0, model.Layers[1].CountParams());
    }

    [Fact]
    public void The_config_has_kerass_keys_but_cannot_recreate_the_function()
    {
        var layer = new Lambda(x => x + 1f, outputShape: [4], name: "plus_one");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal(["arguments", "dtype", "function", "name", "output_shape", "trainable"], config.Keys.Order());
        var function = (IReadOnlyDictionary<string, object?>)config["function"]!;
        Assert.Equal("__lambda__", function["class_name"]);
        Assert.StartsWith("C# delegate ", (string)((IReadOnlyDictionary<string, object?>)function["config"]!)["code"]!);
        Assert.Equal([4], (int[])config["output_shape"]!);
        Assert.DoesNotContain("output_shape", new Lambda(x => x).GetConfig().Keys);

        AssertEx.Throws<NotSupportedException>(() => LayerRegistry.FromConfig("Lambda", config),
            "Layer 'plus_one' (Lambda) wraps a function (C# delegate ", "that a config cannot hold, so it cannot be recreated from its config.",
            "new Lambda(x => ..., name: \"plus_one\")", "LayerRegistry.Register(\"Lambda\",", "safe_mode=False");
    }

    [Fact]
    public void Bad_arguments_and_a_null_result_are_reported()
    {
        Assert.Throws<ArgumentNullException>(() => new Lambda((Func<Tensor, Tensor>)null!));
        AssertEx.Throws<ArgumentException>(() => new Lambda(x => x, outputShape: [0, 3]),
            "Lambda: outputShape must hold positive lengths (or -1 for unknown), without the batch axis, but received [0, 3].");
        AssertEx.Throws<InvalidOperationException>(() => new Lambda((Tensor _) => null!, outputShape: [2], name: "nothing").Apply(Tensor.Ones(1, 2)),
            "Layer 'nothing' (Lambda): the function returned null; it must return a Tensor.");
        Backend.ClearSession();
        Assert.Equal("lambda", new Lambda(x => x).Name);
    }
}
