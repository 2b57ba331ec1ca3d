// The Keras functional API beyond a single chain: two inputs, a skip connection, two outputs, each with its own loss,
// weight and metric, on Fashion-MNIST. The second input is a "hint": the true class as a one-hot row, but replaced by a
// random class for 40% of the images, so the model must learn how far to trust it. The second output regresses each
// image's ink (its mean pixel value).
// Run: dotnet run -c Release --project samples/FunctionalApi -- [--epochs 3] [--out DIR] [--seed N]
using Nabla;
using Nabla.Datasets;
using Nabla.Layers;
using Nabla.Plotting;
using Nabla.Samples;

var options = SampleOptions.Parse(args, defaultEpochs: 3);

var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData();
xTrain = (xTrain / 255.0).Reshape(-1, 784);
xTest = (xTest / 255.0).Reshape(-1, 784);
Tensor hintTrain = NoisyHints(yTrain, seed: 1), hintTest = NoisyHints(yTest, seed: 2);
Tensor inkTrain = xTrain.Mean(axis: 1, keepDims: true), inkTest = xTest.Mean(axis: 1, keepDims: true);

var image = new Input(shape: [784], name: "image");
var hint = new Input(shape: [10], name: "hint");
var h = new Dense(128, activation: "relu").Apply(image);
var skip = new Add().Apply([h, new Dense(128).Apply(image)]);             // a skip connection around the relu layer
var merged = new Concatenate().Apply([skip, hint]);
var label = new Dense(10, activation: "softmax", name: "label").Apply(merged);
var ink = new Dense(1, name: "ink").Apply(skip);
var model = new Model([image, hint], [label, ink], name: "two_heads");

model.Compile(optimizer: "adam",
              loss: ["sparse_categorical_crossentropy", "mse"],
              lossWeights: [1.0, 10.0],
              metrics: [["accuracy"], ["mae"]]);
model.Summary();

History history = model.Fit([xTrain, hintTrain], [yTrain, inkTrain], epochs: options.Epochs, batchSize: 32,
                            validationData: ([xTest, hintTest], [yTest, inkTest]));
var result = model.Evaluate([xTest, hintTest], [yTest, inkTest], verbose: 0);
Console.WriteLine($"test: {result}");
Console.WriteLine($"label accuracy {result["label_accuracy"]:F4} (hints alone are right {HintAccuracy(hintTest, yTest):F4} of the time), " +
                  $"ink mean absolute error {result["ink_mae"]:F4}");

Tensor[] predicted = model.Predict([xTest[..5], hintTest[..5]], verbose: 0);
for (int i = 0; i < 5; i++)
{
    Console.WriteLine($"image {i}: {FashionMnist.ClassNames[predicted[0][i].ArgMax()],-12} (true {FashionMnist.ClassNames[(int)yTest[i].Item()],-12}), " +
                      $"ink {predicted[1][i].Item():F3} (true {inkTest[i].Item():F3})");
}

string historyPng = options.File("functional-history.png");
Plot.History(historyPng, history);
Console.WriteLine($"wrote {historyPng}");

// One-hot rows of the labels, with 40% replaced by a random class.
static Tensor NoisyHints(Tensor labels, int seed)
{
    var rng = new System.Random(seed);
    float[] y = labels.ToArray();
    var hints = new float[y.Length * 10];
    for (int i = 0; i < y.Length; i++)
    {
        int cls = rng.NextDouble() < 0.4 ? rng.Next(10) : (int)y[i];
        hints[(i * 10) + cls] = 1f;
    }

    return Tensor.FromArray(hints, y.Length, 10);
}

static double HintAccuracy(Tensor hints, Tensor labels) =>
    Enumerable.Range(0, labels.Shape[0]).Average(i => hints[i].ArgMax() == (int)labels[i].Item() ? 1.0 : 0.0);
