using Nabla.Layers;
using Nabla.Tests.Reliability;

namespace Nabla.Tests.Models;

public class FunctionalSummaryTests
{
    [Fact]
    public void A_graph_that_is_not_a_chain_gets_the_connected_to_column()
    {
        var features = new Input(shape: [4], name: "features");
        var hint = new Input(shape: [3], name: "hint");
        var shared = new Dense(5, name: "shared");
        KerasTensor a = shared.Apply(features);
        KerasTensor b = new Dense(4, name: "widen").Apply(hint);
        KerasTensor c = shared.Apply(b);   // the shared layer's second call
        var model = new Model([features, hint], [a, c], name: "two");
        var lines = new List<string>();
        model.Summary(lineLength: 108, printFn: lines.Add);

        Assert.Equal("Model: \"two\"", lines[0]);
        Assert.Contains("Connected to", lines[2], StringComparison.Ordinal);
        string text = string.Join("\n", lines);
        string sharedRow = lines.Single(l => l.Contains("shared (Dense)", StringComparison.Ordinal));
        Assert.Contains("features[0][0],", sharedRow, StringComparison.Ordinal);           // the shared layer's two calls,
        Assert.Contains("widen[0][0]", lines[lines.IndexOf(sharedRow) + 1], StringComparison.Ordinal);   // wrapped as rich wraps
        Assert.Contains("hint[0][0]", lines.Single(l => l.Contains("widen (Dense)", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.All(lines.Skip(1).TakeWhile(l => !l.StartsWith(' ')), l => Assert.Equal(108, l.Length));
        Assert.Contains(" Total params: 41 (164.00 B)", lines);   // shared 4·5+5, widen 3·4+4
    }

    [Fact]
    public void A_chain_keeps_the_three_column_table()
    {
        var input = new Input(shape: [4]);
        var model = new Model(input, new Dense(2).Apply(new Dense(3).Apply(input)));
        var lines = new List<string>();
        model.Summary(lineLength: 88, printFn: lines.Add);
        Assert.DoesNotContain("Connected to", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void A_sequential_built_on_a_built_model_shows_real_counts_before_training()
    {
        Sequential pretrained = ReliabilityModels.Classifier();
        var model = new Sequential([pretrained, new Dense(2, name: "head")]);
        var lines = new List<string>();
        model.Summary(printFn: lines.Add);
        string text = string.Join("\n", lines);
        Assert.DoesNotContain("unbuilt", text, StringComparison.Ordinal);
        Assert.Contains("(None, 2)", text, StringComparison.Ordinal);
        int expected = pretrained.CountParams() + (ReliabilityModels.Classes * 2) + 2;
        Assert.Contains($" Total params: {expected:N0}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_layer_gets_and_sets_its_weights()
    {
        var dense = new Dense(3, inputShape: [2]);
        dense.Apply(Tensor.Zeros(1, 2));
        IReadOnlyList<Tensor> w = dense.GetWeights();
        Assert.Equal(2, w.Count);
        Assert.Equal([2, 3], w[0].Shape);
        dense.SetWeights([Tensor.Ones(2, 3), Tensor.Full([3], 0.5f)]);
        Assert.Equal([2.5f, 2.5f, 2.5f], dense.Apply(Tensor.Ones(1, 2)).ToArray());
        Support.AssertEx.Throws<ShapeMismatchException>(() => dense.SetWeights([Tensor.Ones(3, 2), Tensor.Ones(3)]),
            "weight 0 ('dense", "has shape [2, 3], but received a tensor of shape [3, 2] (in layer 'dense");
    }
}
