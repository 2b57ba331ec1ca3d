using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.Reliability;
using Nabla.Tests.Support;

namespace Nabla.Tests.Models;

/// <summary>Functional models with several inputs and outputs: compile per output, fit, evaluate and predict, Keras's names.</summary>
public class MultiInputOutputTests
{
    // Two inputs, two heads: a classifier on the features, a regressor on the hint. No merge layer, so it needs only Dense.
    private static Model TwoHeads()
    {
        var features = new Input(shape: [ReliabilityModels.Features], name: "features");
        var hint = new Input(shape: [3], name: "hint");
        KerasTensor h = new Dense(16, activation: "relu", kernelInitializer: new GlorotUniform(seed: 1)).Apply(features);
        KerasTensor label = new Dense(ReliabilityModels.Classes, activation: "softmax", name: "label", kernelInitializer: new GlorotUniform(seed: 2)).Apply(h);
        KerasTensor score = new Dense(1, name: "score", kernelInitializer: new GlorotUniform(seed: 3)).Apply(hint);
        return new Model([features, hint], [label, score]);
    }

    private static (Tensor Features, Tensor Hint, Tensor Labels, Tensor Scores) Data(int n)
    {
        (Tensor x, Tensor y) = ReliabilityModels.Data(n);
        Tensor hint = Tensor.RandomUniform([n, 3], -1f, 1f, seed: 9);
        float[] h = hint.ToArray();
        Tensor scores = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (2f * h[i * 3]) - h[(i * 3) + 2]).ToArray(), n, 1);
        return (x, hint, y, scores);
    }

    [Fact]
    public void Logs_use_kerass_names_and_every_head_learns()
    {
        Model model = TwoHeads();
        model.Compile(optimizer: new Nabla.Optimizers.Adam(learningRate: 0.02), loss: ["sparse_categorical_crossentropy", "mse"],
            lossWeights: [1.0, 0.5], metrics: [["accuracy"], ["mae"]]);
        (Tensor features, Tensor hint, Tensor labels, Tensor scores) = Data(256);

        History history = model.Fit([features, hint], [labels, scores], epochs: 12, batchSize: 32, verbose: 0);

        Assert.Equal(["label_accuracy", "label_loss", "loss", "score_loss", "score_mae"], history.Keys.Order());
        Assert.True(history["label_loss"][^1] < 0.7 * history["label_loss"][0]);
        Assert.True(history["score_loss"][^1] < 0.3 * history["score_loss"][0]);
        for (int e = 0; e < 12; e++)
        {
            // loss = 1.0·label_loss + 0.5·score_loss, each the epoch's running mean over the same batches
            Assert.Equal(history["label_loss"][e] + (0.5 * history["score_loss"][e]), history["loss"][e], 5e-5);
        }

        EvaluationResult result = model.Evaluate([features, hint], [labels, scores], verbose: 0);
        Assert.Equal(["loss", "label_loss", "score_loss", "label_accuracy", "score_mae"], result.Names);   // Keras's list order
        Assert.True(result["label_accuracy"] > 0.7, $"accuracy {result["label_accuracy"]}");

        Tensor[] both = model.Predict([features, hint], verbose: 0);
        Assert.Equal([256, ReliabilityModels.Classes], both[0].Shape);
        Assert.Equal([256, 1], both[1].Shape);
    }

    [Fact]
    public void Named_data_and_a_dictionary_compile_give_the_same_training()
    {
        (Tensor features, Tensor hint, Tensor labels, Tensor scores) = Data(64);
        Model byList = TwoHeads(), byName = TwoHeads();
        byList.Compile(optimizer: "sgd", loss: ["sparse_categorical_crossentropy", "mse"]);
        byName.Compile(optimizer: "sgd", loss: new Dictionary<string, Nabla.Losses.Loss?> { ["score"] = "mse", ["label"] = "sparse_categorical_crossentropy" });
        History a = byList.Fit([features, hint], [labels, scores], epochs: 2, batchSize: 16, shuffle: false, verbose: 0);
        History b = byName.Fit(new Dictionary<string, Tensor> { ["features"] = features, ["hint"] = hint },
            new Dictionary<string, Tensor> { ["label"] = labels, ["score"] = scores }, epochs: 2, batchSize: 16, shuffle: false, verbose: 0);
        Assert.Equal(a["loss"], b["loss"]);
        IReadOnlyDictionary<string, Tensor> predicted = byName.Predict(new Dictionary<string, Tensor> { ["features"] = features, ["hint"] = hint }, verbose: 0);
        Assert.Equal([64, 1], predicted["score"].Shape);
    }

    [Fact]
    public void Mismatched_structures_say_what_the_model_has()
    {
        Model model = TwoHeads();
        (Tensor features, Tensor hint, Tensor labels, Tensor scores) = Data(8);
        AssertEx.Throws<ArgumentException>(() => model.Compile(optimizer: "adam", loss: ["mse"]),
            "model 'functional", "has 2 output(s) (label, score), so loss must hold one entry per output, but it holds 1");
        model.Compile(optimizer: "adam", loss: "mse");
        AssertEx.Throws<ArgumentException>(() => model.Fit([features], [labels, scores], verbose: 0),
            "has 2 input(s) (features, hint), so x must hold one array per input, but it holds 1");
        AssertEx.Throws<ArgumentException>(() => model.Fit(new Dictionary<string, Tensor> { ["features"] = features, ["hints"] = hint },
            new Dictionary<string, Tensor> { ["label"] = labels, ["score"] = scores }, verbose: 0), "x has an entry 'hints'");
        AssertEx.Throws<ArgumentException>(() => model.Predict(features, verbose: 0), "Predict: model 'functional", "has 2 input(s) (features, hint), so x must hold one array per input, but it holds 1");
        AssertEx.Throws<ArgumentException>(() => model.Compile(optimizer: "adam", loss: "mse", metrics: ["mae", "mse", "accuracy"]),
            "a flat metrics list must hold one metric per output, but it holds 3");
    }

    [Fact]
    public void Losses_and_metrics_may_be_functions()
    {
        Sequential model = ReliabilityModels.Classifier(compile: false);
        (Tensor x, Tensor y) = ReliabilityModels.Data(64);
        Tensor oneHot = Utils.ToCategorical(y, ReliabilityModels.Classes);
        model.Compile(optimizer: "adam", loss: (yTrue, yPred) => ((yPred - yTrue) * (yPred - yTrue)).Mean(axis: -1),
            metrics: [(Func<Tensor, Tensor, Tensor>)MaxError, "categorical_accuracy"]);
        History history = model.Fit(x, oneHot, epochs: 3, batchSize: 16, verbose: 0);
        Assert.Contains("max_error", history.Keys);
        Assert.True(history["loss"][^1] < history["loss"][0]);

        model.Compile(optimizer: "adam", loss: "mse", metrics: [(yTrue, yPred) => (yPred - yTrue).Abs()]);
        Assert.Contains("custom_metric", model.Evaluate(x, oneHot, verbose: 0).Names);
    }

    private static Tensor MaxError(Tensor yTrue, Tensor yPred) => (yPred - yTrue).Abs().Max(axis: -1);
}
