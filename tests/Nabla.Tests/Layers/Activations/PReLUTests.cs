using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Regularizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Activations;

public class PReLUTests
{
    [Fact]
    public void Harness() =>
        LayerTest.Run(() => new PReLU(alphaInitializer: new Constant(0.25f)), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4],
            trainableWeights: 1, weightNames: ["alpha"]);

    [Fact]
    public void Harness_with_shared_axes() =>
        LayerTest.Run(() => new PReLU(alphaInitializer: new Constant(0.25f), sharedAxes: [1]), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4],
            trainableWeights: 1, weightNames: ["alpha"]);

    [Fact]
    public void Alpha_has_the_sample_shape_with_shared_axes_set_to_one()
    {
        var full = new PReLU();
        full.Apply(Tensor.Ones(2, 5, 4, 3));
        Assert.Equal([5, 4, 3], full.Alpha!.Shape);
        Assert.Equal(new float[60], full.Alpha.Value.ToArray());   // zeros by default: a ReLU to start with

        var perChannel = new PReLU(sharedAxes: [1, 2]);
        perChannel.Apply(Tensor.Ones(2, 5, 4, 3));
        Assert.Equal([1, 1, 3], perChannel.Alpha!.Shape);
    }

    [Fact]
    public void Hand_computed_values_with_one_alpha_per_feature()
    {
        var layer = new PReLU(alphaInitializer: new Constant(0.1f));
        layer.Apply(Tensor.Ones(1, 3));
        layer.Alpha!.Assign(Tensor.FromArray([0.1f, 0.5f, 2f], 3));

        // Row 1: [-2·0.1, 3, -1·2]; row 2: [4, -4·0.5, 0].
        Tensor y = layer.Apply(Tensor.FromArray([-2f, 3f, -1f, 4f, -4f, 0f], 2, 3));
        AssertEx.Close([-0.2f, 3f, -2f, 4f, -2f, 0f], y.ToArray(), atol: 1e-6);
    }

    [Fact]
    public void Gradients_match_finite_differences_for_inputs_and_alpha()
    {
        var layer = new PReLU(alphaInitializer: new RandomUniform(0.1f, 0.5f, seed: 2), sharedAxes: [2]);
        Tensor x = TestData.AwayFromZero([3, 2, 4], 0.05f, 1f, seed: 7);
        layer.Apply(x);
        GradCheck.Assert(t => layer.Apply(t[0]), [x], layer.TrainableWeights);
    }

    [Fact]
    public void The_regularizer_penalises_alpha_and_the_config_has_kerass_keys()
    {
        var layer = new PReLU(alphaInitializer: new Constant(2f), alphaRegularizer: new L2(0.5f), sharedAxes: [1]);
        layer.Apply(Tensor.Ones(1, 2, 3));
        Assert.Equal(0.5f * 3 * 4f, layer.Losses.Single().Item(), 5);   // 0.5·Σα² over the [1, 3] alphas of 2
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal(["alpha_constraint", "alpha_initializer", "alpha_regularizer", "dtype", "name", "shared_axes", "trainable"], config.Keys.Order());
        Assert.Equal([1], (int[])config["shared_axes"]!);
        Assert.Null(config["alpha_constraint"]);
    }

    [Fact]
    public void Bad_shared_axes_unknown_lengths_and_constraints_are_rejected()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new PReLU(sharedAxes: [0, 1]), "PReLU: sharedAxes must name axes after the batch axis (1 or more), but received [0, 1].");
        AssertEx.Throws<ShapeMismatchException>(() => new PReLU(sharedAxes: [3], name: "pr").Apply(Tensor.Ones(2, 3)),
            "Layer 'pr' (PReLU, shared_axes=[3]) shares alpha along axis 3, but received input of shape [None, 3] (rank 2).");
        AssertEx.Throws<ShapeMismatchException>(() => new PReLU(name: "pr2").Apply(new Input(shape: [-1, 4])),
            "Layer 'pr2' (PReLU) needs one alpha per element, but axis 1 of input shape [None, None, 4] is unknown.", "sharedAxes: [1]");
        var withConstraint = new Dictionary<string, object?> { ["name"] = "p", ["alpha_constraint"] = new Dictionary<string, object?> { ["class_name"] = "NonNeg" } };
        AssertEx.Throws<ArgumentException>(() => LayerRegistry.FromConfig("PReLU", withConstraint), "the config has an alpha_constraint, but Nabla has no weight constraints");

        var built = new PReLU(name: "pr3");
        built.Apply(Tensor.Ones(2, 3));
        AssertEx.Throws<ShapeMismatchException>(() => built.Apply(Tensor.Ones(2, 4)), "Layer 'pr3' (PReLU) expects input with axis 1", "but received shape [2, 4].");
    }

    [Fact]
    public void Name_follows_keras()
    {
        Backend.ClearSession();
        Assert.Equal("p_re_lu", new PReLU().Name);
    }
}
