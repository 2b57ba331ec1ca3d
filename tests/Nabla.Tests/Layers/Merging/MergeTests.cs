using Nabla.Autodiff;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Merging;

/// <summary>What every merge layer shares: Keras's shape rules, list-only calls, arity and shape errors, use in models.</summary>
public class MergeTests
{
    public static TheoryData<int[][], int[]> ShapeCases() => new()
    {
        { [[-1, 3, 4], [-1, 3, 4]], [-1, 3, 4] },
        { [[-1, 3, 4], [-1, 4]], [-1, 3, 4] },          // lower rank: aligned at the last axis
        { [[-1, 4], [-1, 3, 4]], [-1, 3, 4] },
        { [[-1, 1, 4], [-1, 3, 1]], [-1, 3, 4] },       // 1 broadcasts both ways
        { [[-1, -1, 4], [-1, 3, 4]], [-1, -1, 4] },     // unknown stays unknown (Keras: None wins)
        { [[-1, 1, 4], [-1, -1, 4]], [-1, -1, 4] },
        { [[8, 4], [-1, 4], [8, 1]], [8, 4] },          // one known batch size is the output's
        { [[-1, 5], [-1, 5], [-1, 5], [-1, 5]], [-1, 5] },
    };

    [Theory]
    [MemberData(nameof(ShapeCases))]
    public void Output_shapes_follow_kerass_broadcasting(int[][] inputShapes, int[] expected)
    {
        foreach (Merge layer in new Merge[] { new Add(), new Multiply(), new Average(), new Maximum(), new Minimum() })
        {
            Assert.Equal(expected, layer.ComputeOutputShape(inputShapes));
        }
    }

    [Fact]
    public void Inputs_of_lower_rank_gain_axes_after_the_batch_axis()
    {
        // [2, 3] + [2, 2, 3]: the first becomes [2, 1, 3] and is added to both rows of each sample.
        Tensor a = Tensor.FromArray([1f, 2f, 3f, 10f, 20f, 30f], 2, 3), b = Tensor.FromArray([.. Enumerable.Range(0, 12).Select(i => (float)i)], 2, 2, 3);
        Tensor y = new Add().Apply([a, b]);
        Assert.Equal([2, 2, 3], y.Shape);
        Assert.Equal([1f, 3f, 5f, 4f, 6f, 8f, 16f, 27f, 38f, 19f, 30f, 41f], y.ToArray());

        // The gradient of the lower-rank input sums over the inserted axis.
        (Tensor _, Tensor[] g) = Gradients.Of(() => new Subtract().Apply([b, a]), Tensor.Ones(2, 2, 3), a, b);
        Assert.Equal(Enumerable.Repeat(-2f, 6), g[0].ToArray());
        Assert.Equal(Enumerable.Repeat(1f, 12), g[1].ToArray());
    }

    [Fact]
    public void Broadcasting_gradients_match_finite_differences()
    {
        var layer = new Multiply();
        Tensor a = TestData.AwayFromZero([2, 3, 1], 0.2f, 1f, seed: 4), b = TestData.AwayFromZero([2, 4], 0.2f, 1f, seed: 5), c = TestData.AwayFromZero([2, 1, 4], 0.2f, 1f, seed: 6);
        Assert.Equal([2, 3, 4], layer.Apply([a, b, c]).Shape);
        GradCheck.Assert(t => layer.Apply(t), [a, b, c]);
    }

    [Fact]
    public void A_merge_layer_refuses_a_single_tensor()
    {
        var layer = new Add(name: "add_x");
        AssertEx.Throws<ArgumentException>(() => layer.Apply(Tensor.Ones(2, 3)),
            "Layer 'add_x' (Add) takes a list of inputs, e.g. new Add().Apply([a, b]), but received one tensor of shape [2, 3].");
        AssertEx.Throws<ArgumentException>(() => layer.Apply(new Input(shape: [3])), "takes a list of inputs", "one symbolic tensor of shape [None, 3]");
    }

    [Fact]
    public void Too_few_inputs_are_rejected()
    {
        AssertEx.Throws<ArgumentException>(() => new Add(name: "a1").Apply([Tensor.Ones(2, 3)]),
            "Layer 'a1' (Add) should be called on a list of at least 2 inputs, but received 1: [None, 3].");
        AssertEx.Throws<ArgumentException>(() => new Maximum().Apply(Array.Empty<KerasTensor>()), "at least 2 inputs, but received an empty list.");
    }

    [Fact]
    public void Incompatible_shapes_name_the_layer_and_both_shapes()
    {
        var symbolic = new Add(name: "add_s");
        ShapeMismatchException e = AssertEx.Throws<ShapeMismatchException>(() => symbolic.Apply([new Input(shape: [3, 4]), new Input(shape: [3, 5])]),
            "Layer 'add_s' (Add) received inputs with incompatible shapes [None, 3, 4] and [None, 3, 5]: after the batch axis, each axis must be equal in both or 1 in one of them");
        Assert.Equal("add_s", e.Operation);

        // Eager calls are checked on every call, not only when the layer builds.
        var eager = new Multiply(name: "mul_e");
        eager.Apply([Tensor.Ones(2, 4), Tensor.Ones(2, 4)]);
        AssertEx.Throws<ShapeMismatchException>(() => eager.Apply([Tensor.Ones(2, 4), Tensor.Ones(2, 3)]),
            "Layer 'mul_e' (Multiply) received inputs with incompatible shapes [2, 4] and [2, 3]");
    }

    [Fact]
    public void Different_batch_sizes_are_rejected()
    {
        AssertEx.Throws<ShapeMismatchException>(() => new Add(name: "add_b").Apply([Tensor.Ones(2, 4), Tensor.Ones(3, 4)]),
            "Layer 'add_b' (Add) cannot merge tensors with different batch sizes, but received shapes [2, 4] and [3, 4].");
        AssertEx.Throws<ShapeMismatchException>(() => new Add().ComputeOutputShape([[8, 4], [16, 4]]),
            "cannot merge tensors with different batch sizes, but received shapes [8, 4] and [16, 4].");
    }

    [Fact]
    public void Merge_layers_have_kerass_names_and_config_keys()
    {
        Backend.ClearSession();
        Assert.Equal(["add", "add_1", "subtract", "multiply", "average", "maximum", "minimum", "concatenate", "dot"],
            new Layer[] { new Add(), new Add(), new Subtract(), new Multiply(), new Average(), new Maximum(), new Minimum(), new Concatenate(), new Dot(1) }
                .Select(l => l.Name));
        Assert.Equal(["dtype", "name", "trainable"], new Add().GetConfig().Keys.Order());
        Assert.Equal(["axis", "dtype", "name", "trainable"], new Concatenate().GetConfig().Keys.Order());
        Assert.Equal(["axes", "dtype", "name", "normalize", "trainable"], new Dot(1).GetConfig().Keys.Order());
    }

    [Fact]
    public void A_skip_connection_and_a_concatenation_train_with_fit_and_the_loss_falls()
    {
        // y = 2·x0 − x1 + x2·x3 on four features, through Dense + skip Add, then a concatenation of two branches.
        Nabla.Random.SetSeed(5);
        var input = new Input(shape: [4]);
        KerasTensor h = new Dense(16, activation: "tanh", kernelInitializer: new GlorotUniform(seed: 1)).Apply(input);
        KerasTensor skip = new Add().Apply([h, new Dense(16, kernelInitializer: new GlorotUniform(seed: 2)).Apply(input)]);
        KerasTensor other = new Dense(8, activation: "relu", kernelInitializer: new GlorotUniform(seed: 3)).Apply(input);
        KerasTensor merged = new Concatenate().Apply([skip, other]);
        Assert.Equal([-1, 24], merged.Shape);
        var model = new Model(input, new Dense(1, kernelInitializer: new GlorotUniform(seed: 4)).Apply(merged));
        model.Compile(optimizer: new Nabla.Optimizers.Adam(learningRate: 0.01), loss: "mse");

        Tensor x = TestData.Uniform([256, 4], seed: 7);
        float[] xv = x.ToArray();
        Tensor y = Tensor.FromArray([.. Enumerable.Range(0, 256).Select(i => (2f * xv[4 * i]) - xv[(4 * i) + 1] + (xv[(4 * i) + 2] * xv[(4 * i) + 3]))], 256, 1);
        History history = model.Fit(x, y, batchSize: 32, epochs: 8, verbose: 0);
        IReadOnlyList<double> loss = history["loss"];
        Assert.True(loss[^1] < 0.2 * loss[0], $"The loss fell only from {loss[0]:G4} to {loss[^1]:G4}.");

        // Summary-independent structure: the layers in order, and the merge layers' output shapes and zero weights.
        Assert.Equal(["InputLayer", "Dense", "Dense", "Add", "Dense", "Concatenate", "Dense"], model.Layers.Select(l => l.GetType().Name));
        Assert.Equal(0, model.Layers[3].CountParams());
        Assert.Equal(0, model.Layers[5].CountParams());
        Assert.Equal((4 * 16) + 16 + (4 * 16) + 16 + (4 * 8) + 8 + 24 + 1, model.CountParams());
        Assert.Equal([5, 1], model.Predict(x[..5], verbose: 0).Shape);
    }

    [Fact]
    public void A_model_of_two_inputs_concatenated_trains_in_a_custom_loop()
    {
        // The target needs both inputs: y = a0·b0 + a1 − b1.
        var a = new Input(shape: [2], name: "a");
        var b = new Input(shape: [2], name: "b");
        KerasTensor joined = new Concatenate(name: "joined").Apply([a, b]);
        KerasTensor h = new Dense(16, activation: "tanh", kernelInitializer: new GlorotUniform(seed: 1)).Apply(joined);
        var model = new Model([a, b], [new Dense(1, kernelInitializer: new GlorotUniform(seed: 2)).Apply(h)]);
        Assert.Equal(["InputLayer", "InputLayer", "Concatenate", "Dense", "Dense"], model.Layers.Select(l => l.GetType().Name));

        Tensor xa = TestData.Uniform([64, 2], seed: 11), xb = TestData.Uniform([64, 2], seed: 12);
        float[] av = xa.ToArray(), bv = xb.ToArray();
        Tensor y = Tensor.FromArray([.. Enumerable.Range(0, 64).Select(i => (av[2 * i] * bv[2 * i]) + av[(2 * i) + 1] - bv[(2 * i) + 1])], 64, 1);
        var optimizer = new Nabla.Optimizers.Adam(learningRate: 0.02);
        var losses = new List<float>();
        for (int step = 0; step < 150; step++)
        {
            using var tape = new GradientTape();
            Tensor loss = Ops.Mean(Ops.Square(Ops.Subtract(model.Apply([xa, xb], training: true), y)));
            IReadOnlyList<Tensor> grads = tape.Gradient(loss, model.TrainableWeights);
            optimizer.ApplyGradients(grads.Zip(model.TrainableWeights));
            losses.Add(loss.Item());
        }

        Assert.True(losses[^1] < 0.1f * losses[0], $"The loss fell only from {losses[0]:G4} to {losses[^1]:G4}.");
    }
}
