// Fashion-MNIST the tf.data way (API.md section 3): a tfds-style catalog with metadata, and a Dataset pipeline
// (Map, Cache, Repeat, Shuffle, Batch) feeding Fit and Evaluate.
// Run: dotnet run -c Release --project samples/FashionMnistPipeline -- [--epochs 5]
using Nabla;
using Nabla.Data;
using Nabla.Datasets;
using Nabla.Layers;
using Nabla.Samples;

var options = SampleOptions.Parse(args, defaultEpochs: 5);

var (splits, info) = DatasetCatalog.Load("fashion_mnist");   // also "mnist"
int numTrain = info.Splits["train"].NumExamples;            // 60000
string[] classNames = info.ClassNames;
Console.WriteLine($"{info.FullName}: {numTrain} training and {info.Splits["test"].NumExamples} test examples, classes: {string.Join(", ", classNames)}");

Dataset train = splits["train"]
    .Map((image, label) => (image / 255f, label))
    .Cache()
    .Repeat()
    .Shuffle(numTrain, seed: 42)
    .Batch(32);
Dataset test = splits["test"].Map((image, label) => (image / 255f, label)).Batch(32);

var model = new Sequential([
    new Flatten(inputShape: [28, 28, 1]),
    new Dense(128, activation: "relu"),
    new Dense(10, activation: "softmax"),
]);
model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);

model.Fit(train, epochs: options.Epochs, stepsPerEpoch: (int)Math.Ceiling(numTrain / 32.0));
var metrics = model.Evaluate(test);
Console.WriteLine($"test accuracy: {metrics["accuracy"]:F4}");
foreach (var (images, labels) in test.Take(1))
{
    Tensor p = model.Predict(images, verbose: 0);
    Console.WriteLine($"first batch: predicted {classNames[p[0].ArgMax()]}, true {classNames[(int)labels[0].Item()]}");
}
