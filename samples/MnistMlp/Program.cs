// A 784-512-512-10 MLP on MNIST digits (the copy shipped with the repository is a 10,000-digit subset:
// 8,000 for training, 2,000 for testing).
// Run: dotnet run -c Release --project samples/MnistMlp -- [--epochs 10] [--out DIR]
using Nabla;
using Nabla.Datasets;
using Nabla.Layers;
using Nabla.Plotting;
using Nabla.Samples;

var options = SampleOptions.Parse(args, defaultEpochs: 10);

var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData();
xTrain = xTrain / 255f;
xTest = xTest / 255f;
Console.WriteLine($"{xTrain.Shape[0]} training digits, {xTest.Shape[0]} test digits");

var model = new Sequential([
    new Flatten(inputShape: [28, 28]),
    new Dense(512, activation: "relu"),
    new Dense(512, activation: "relu"),
    new Dense(10, activation: "softmax"),
]);
model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
model.Summary();

History history = model.Fit(xTrain, yTrain, batchSize: 128, epochs: options.Epochs, validationData: (xTest, yTest));
var result = model.Evaluate(xTest, yTest, verbose: 0);
Console.WriteLine($"test accuracy: {result["accuracy"]:F4}");

string path = options.File("mnist_history.png");
Plot.History(path, history);
Console.WriteLine($"wrote {path}");
