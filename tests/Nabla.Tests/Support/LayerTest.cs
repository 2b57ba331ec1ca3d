using Nabla.Autodiff;
using Nabla.Layers;

namespace Nabla.Tests.Support;

/// <summary>
/// The shared layer harness (STYLE.md R13, Keras's run_layer_test): output shape against ComputeOutputShape,
/// weight count/names/order, config round trip with identical output, one optimizer step that gives every
/// trainable weight a gradient and moves it, and training vs inference behaviour.
/// </summary>
internal static class LayerTest
{
    public static Layer Run(
        Func<Layer> create,
        int[] inputShape,
        int[] expectedOutputShape,
        int trainableWeights = 0,
        int nonTrainableWeights = 0,
        string[]? weightNames = null,
        bool trainingDiffers = false,
        int seed = 3)
    {
        Layer layer = create();
        Tensor x = TestData.AwayFromZero(inputShape, 0.05f, 1f, seed);

        // Output shape, and agreement with ComputeOutputShape (batch axis unknown).
        Tensor y = layer.Apply(x);
        Assert.Equal(expectedOutputShape, y.Shape);
        int[] symbolic = [-1, .. inputShape[1..]];
        int[] computed = layer.ComputeOutputShape(symbolic);
        Assert.Equal([-1, .. expectedOutputShape[1..]], computed);

        // Weights: counts, names, order.
        Assert.Equal(trainableWeights, layer.TrainableWeights.Count);
        Assert.Equal(nonTrainableWeights, layer.NonTrainableWeights.Count);
        if (weightNames is not null)
        {
            Assert.Equal(weightNames, layer.Weights.Select(w => w.Name).ToArray());
            Assert.All(layer.Weights, w => Assert.Equal($"{layer.Name}/{w.Name}", w.Path));
        }

        // Config round trip: a layer recreated from its config, given the same weights, computes the same output.
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal(layer.Name, config["name"]);
        Layer clone = LayerRegistry.FromConfig(layer.GetType().Name, config);
        Assert.Equal(layer.Name, clone.Name);
        Tensor yClone = clone.Apply(x);
        for (int i = 0; i < layer.Weights.Count; i++)
        {
            clone.Weights[i].Assign(layer.Weights[i].Value);
        }

        yClone = clone.Apply(x);
        AssertEx.Close(y, yClone, atol: 0, rtol: 0);
        Assert.Equal(config.Keys.Order(), clone.GetConfig().Keys.Order());

        // Inference is deterministic; training differs from it only where it should.
        AssertEx.Close(y, layer.Apply(x, training: false), atol: 0, rtol: 0);
        Tensor yTrain = layer.Apply(x, training: true);
        bool differs = !y.ToArray().SequenceEqual(yTrain.ToArray());
        Assert.Equal(trainingDiffers, differs);

        // One step: every trainable weight gets a non-zero gradient, and an update moves it.
        if (trainableWeights > 0)
        {
            IReadOnlyList<Variable> vars = layer.TrainableWeights;
            Tensor r = TestData.Uniform(expectedOutputShape, seed: seed + 1);
            IReadOnlyList<Tensor> grads;
            using (var tape = new GradientTape())
            {
                Tensor loss = Ops.Sum(Ops.Multiply(layer.Apply(x, training: true), r));
                grads = tape.Gradient(loss, vars);
            }

            var before = vars.Select(v => v.Value.ToArray()).ToArray();
            for (int i = 0; i < vars.Count; i++)
            {
                float[] g = grads[i].ToArray();
                Assert.True(g.Any(v => v != 0f), $"Weight '{vars[i].Path}' got an all-zero gradient.");
                vars[i].Assign(Ops.Subtract(vars[i].Value, Ops.Multiply(grads[i], 0.1f)));
                Assert.False(before[i].SequenceEqual(vars[i].Value.ToArray()), $"Weight '{vars[i].Path}' did not move.");
            }
        }

        return layer;
    }

    /// <summary>
    /// The harness for layers that take a list of inputs (merge layers): output shape against ComputeOutputShape and
    /// against a symbolic call, weights, config round trip, training vs inference, and one gradient step that reaches
    /// every input and every trainable weight.
    /// </summary>
    public static Layer RunList(
        Func<Layer> create,
        int[][] inputShapes,
        int[] expectedOutputShape,
        int trainableWeights = 0,
        string[]? weightNames = null,
        int seed = 3)
    {
        Layer layer = create();
        Tensor[] xs = [.. inputShapes.Select((s, i) => TestData.AwayFromZero(s, 0.05f, 1f, seed + (10 * i)))];

        Tensor y = layer.Apply(xs);
        Assert.Equal(expectedOutputShape, y.Shape);
        int[][] symbolic = [.. inputShapes.Select(s => (int[])[-1, .. s[1..]])];
        Assert.Equal([-1, .. expectedOutputShape[1..]], layer.ComputeOutputShape(symbolic));
        KerasTensor traced = layer.Apply([.. symbolic.Select(s => new Input(shape: s[1..]))]);
        Assert.Equal([-1, .. expectedOutputShape[1..]], traced.Shape);

        Assert.Equal(trainableWeights, layer.TrainableWeights.Count);
        Assert.Empty(layer.NonTrainableWeights);
        if (weightNames is not null)
        {
            Assert.Equal(weightNames, layer.Weights.Select(w => w.Name).ToArray());
        }

        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal(layer.Name, config["name"]);
        Layer clone = LayerRegistry.FromConfig(layer.GetType().Name, config);
        Assert.Equal(layer.Name, clone.Name);
        clone.Apply(xs);
        for (int i = 0; i < layer.Weights.Count; i++)
        {
            clone.Weights[i].Assign(layer.Weights[i].Value);
        }

        AssertEx.Close(y, clone.Apply(xs), atol: 0, rtol: 0);
        Assert.Equal(config.Keys.Order(), clone.GetConfig().Keys.Order());
        AssertEx.Close(y, layer.Apply(xs, training: true), atol: 0, rtol: 0);

        // Every input (and weight) gets a gradient that is not all zero.
        Tensor r = TestData.Uniform(expectedOutputShape, seed: seed + 1);
        Tensor[] sources = [.. xs, .. layer.TrainableWeights.Select(v => v.Value)];
        var grads = new Tensor[sources.Length];
        using (var tape = new GradientTape())
        {
            foreach (Tensor x in xs)
            {
                tape.Watch(x);
            }

            tape.Gradient(Ops.Sum(Ops.Multiply(layer.Apply(xs, training: true), r)), sources, grads);
        }

        for (int i = 0; i < sources.Length; i++)
        {
            Assert.Equal(sources[i].Shape, grads[i].Shape);
            Assert.True(grads[i].ToArray().Any(v => v != 0f), $"Source {i} got an all-zero gradient.");
        }

        return layer;
    }
}
