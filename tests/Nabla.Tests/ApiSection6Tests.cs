using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Onnx;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests;

/// <summary>
/// API.md §6 as written: several inputs and outputs with merge layers, results that read both ways, layer weights,
/// class and sample weights, double literals, a custom loop whose losses keep their values, ONNX export and
/// BackupAndRestore-free persistence. Data is synthetic and small; the code between the markers is the section's.
/// </summary>
[Collection(GlobalRandomSeedCollection.Name)]
public class ApiSection6Tests
{
    [Fact]
    public void Section_6_beyond_a_single_chain()
    {
        Nabla.Random.SetSeed(42);
        using var dir = new TempFolder();
        int n = 256;
        Tensor xImages = Tensor.RandomUniform([n, 784], 0f, 1f, seed: 1), xHints = Tensor.RandomUniform([n, 10], 0f, 1f, seed: 2);
        Tensor yLabels = Tensor.FromArray(Enumerable.Range(0, n).Select(i => (float)(i % 10)).ToArray(), n);
        Tensor yScores = Tensor.RandomUniform([n, 1], -1f, 1f, seed: 3);
        Tensor xTrain = xImages, yTrain = yLabels, xTest = xImages[..64], yTest = yLabels[..64];
        var model = new Sequential([new Dense(16, activation: "relu", inputShape: [784]), new Dense(10, activation: "softmax")]);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        Tensor w = Tensor.Ones(n);
        Tensor x = xImages[..32], y = yLabels[..32];
        var lossFn = new SparseCategoricalCrossentropy();
        var optimizer = new Adam();

        // ---- API.md §6, as written ----
        var image = new Input(shape: [784], name: "image");
        var hint = new Input(shape: [10], name: "hint");
        var h = new Dense(64, activation: "relu").Apply(image);
        var skip = new Add().Apply([h, new Dense(64).Apply(image)]);          // also Subtract, Multiply, Average, Maximum, Minimum
        var merged = new Concatenate(axis: -1).Apply([skip, hint]);
        var label = new Dense(10, activation: "softmax", name: "label").Apply(merged);
        var score = new Dense(1, name: "score").Apply(merged);
        var twoHeads = new Model([image, hint], [label, score]);
        twoHeads.Compile(optimizer: "adam", loss: ["sparse_categorical_crossentropy", "mse"], lossWeights: [1.0, 0.5]);
        twoHeads.Fit([xImages, xHints], [yLabels, yScores], epochs: 2, batchSize: 32, verbose: 0);   // verbose: 0 added for the test log
        Tensor[] both = twoHeads.Predict([xImages, xHints], verbose: 0);

        var result = model.Evaluate(xTest, yTest, verbose: 0);
        double loss = result[0], accuracy = result["accuracy"];
        var (l, a) = result;
        IReadOnlyList<Tensor> kernelAndBias = model.Layers[1].GetWeights();
        // As written, compiling as the contract asks; run, it is refused, as Keras refuses class and sample weights together.
        AssertEx.Throws<ArgumentException>(() =>
        model.Fit(xTrain, yTrain, epochs: 1, classWeight: new Dictionary<int, double> { [0] = 2.0 }, sampleWeight: w), "classWeight and sampleWeight cannot be used together");
        model.Fit(xTrain, yTrain, epochs: 1, classWeight: new Dictionary<int, double> { [0] = 2.0 }, verbose: 0);   // each alone trains
        model.Fit(xTrain, yTrain, epochs: 1, sampleWeight: w, verbose: 0);
        new Dropout(0.2); new Adam(learningRate: 0.001); xTrain = xTrain / 255.0;

        var losses = new List<Tensor>();
        using (var tape = new GradientTape())
        {
            var lossT = lossFn.Call(y, model.Apply(x, training: true));
            losses.Add(lossT); var grads = tape.Gradient(lossT, model.TrainableWeights);
            optimizer.ApplyGradients(grads.Zip(model.TrainableWeights));
        }

        model.ExportOnnx(dir.File("model.onnx"));
        // ---- end ----

        Assert.Equal([n, 10], both[0].Shape);
        Assert.Equal([n, 1], both[1].Shape);
        Assert.Equal(l, loss);
        Assert.Equal(a, accuracy);
        Assert.Equal([10], kernelAndBias[1].Shape);
        Assert.True(float.IsFinite(losses[0].Item()));
        Assert.True(File.Exists(dir.File("model.onnx")));
        var lines = new List<string>();
        twoHeads.Summary(printFn: lines.Add);
        Assert.Contains("Connected to", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Class_and_sample_weights_together_are_refused_as_in_keras() =>
        AssertEx.Throws<ArgumentException>(() =>
        {
            var model = new Sequential([new Dense(2, activation: "softmax", inputShape: [3])]);
            model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy");
            model.Fit(Tensor.Ones(4, 3), Tensor.Zeros(4), classWeight: new Dictionary<int, double> { [0] = 2.0 }, sampleWeight: Tensor.Ones(4), verbose: 0);
        }, "classWeight and sampleWeight cannot be used together");
}
