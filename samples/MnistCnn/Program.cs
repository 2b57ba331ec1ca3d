// Keras's "Simple MNIST convnet" example in C#: Conv2D(32, 3) -> MaxPooling2D -> Conv2D(64, 3) -> MaxPooling2D ->
// Flatten -> Dropout(0.5) -> Dense(10, softmax), one-hot targets, categorical cross-entropy, Adam, batch 128,
// 15 epochs, 10% of the training digits held out for validation. Keras reports about 99% test accuracy on the full
// MNIST (60,000 training digits); the copy shipped with the repository is a 10,000-digit subset (8,000 for training,
// 2,000 for testing): pass --download to fetch the full set once, as keras.datasets does.
// Run: dotnet run -c Release --project samples/MnistCnn -- [--epochs 20] [--out DIR] [--seed N] [--download]
using Nabla;
using Nabla.Datasets;
using Nabla.Layers;
using Nabla.Plotting;
using Nabla.Samples;

const int BatchSize = 128, NumClasses = 10;
bool download = args.Contains("--download");
var options = SampleOptions.Parse([.. args.Where(a => a != "--download")], defaultEpochs: 20);

// The data, split between train and test sets; scaled to [0, 1], with the channel axis images need.
var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData(download: download);
xTrain = xTrain.Reshape(-1, 28, 28, 1) / 255f;
xTest = xTest.Reshape(-1, 28, 28, 1) / 255f;
Console.WriteLine($"x_train shape: {xTrain.Shape}");
Console.WriteLine($"{xTrain.Shape[0]} train samples");
Console.WriteLine($"{xTest.Shape[0]} test samples");

// Convert class vectors to binary class matrices.
Tensor yTrainOneHot = Utils.ToCategorical(yTrain, NumClasses);
Tensor yTestOneHot = Utils.ToCategorical(yTest, NumClasses);

var model = new Sequential([
    new Conv2D(32, kernelSize: 3, activation: "relu", inputShape: [28, 28, 1]),
    new MaxPooling2D(poolSize: 2),
    new Conv2D(64, kernelSize: 3, activation: "relu"),
    new MaxPooling2D(poolSize: 2),
    new Flatten(),
    new Dropout(0.5),
    new Dense(NumClasses, activation: "softmax"),
]);
model.Summary();

model.Compile(loss: "categorical_crossentropy", optimizer: "adam", metrics: ["accuracy"]);
History history = model.Fit(xTrain, yTrainOneHot, batchSize: BatchSize, epochs: options.Epochs, validationData: (xTest, yTestOneHot));

var score = model.Evaluate(xTest, yTestOneHot, verbose: 0);
Console.WriteLine($"Test loss: {score["loss"]:F4}");
Console.WriteLine($"Test accuracy: {score["accuracy"]:F4}");

string path = options.File("mnist_cnn_history.png");
Plot.History(path, history);
Console.WriteLine($"wrote {path}");
