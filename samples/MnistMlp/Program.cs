// Keras's mnist_mlp example in C#: a 784-512-512-10 MLP with dropout, one-hot targets (Utils.ToCategorical),
// categorical cross-entropy and RMSprop, batch 128, 20 epochs. Keras reports 98.40% test accuracy on the full MNIST
// (60,000 training digits); the copy shipped with the repository is a 10,000-digit subset (8,000 for training, 2,000
// for testing): pass --download to fetch the full set once, as keras.datasets does.
// Run: dotnet run -c Release --project samples/MnistMlp -- [--epochs 20] [--out DIR] [--seed N] [--download]
using Nabla;
using Nabla.Datasets;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Plotting;
using Nabla.Samples;

const int BatchSize = 128, NumClasses = 10;
bool download = args.Contains("--download");
var options = SampleOptions.Parse([.. args.Where(a => a != "--download")], defaultEpochs: 20);

// The data, shuffled and split between train and test sets.
var ((xTrain, yTrain), (xTest, yTest)) = Mnist.LoadData(download: download);
xTrain = xTrain.Reshape(-1, 784) / 255.0;
xTest = xTest.Reshape(-1, 784) / 255.0;
Console.WriteLine($"{xTrain.Shape[0]} train samples");
Console.WriteLine($"{xTest.Shape[0]} test samples");

// Convert class vectors to binary class matrices.
Tensor yTrainOneHot = Utils.ToCategorical(yTrain, NumClasses);
Tensor yTestOneHot = Utils.ToCategorical(yTest, NumClasses);

var model = new Sequential();
model.Add(new Dense(512, activation: "relu", inputShape: [784]));
model.Add(new Dropout(0.2));
model.Add(new Dense(512, activation: "relu"));
model.Add(new Dropout(0.2));
model.Add(new Dense(NumClasses, activation: "softmax"));
model.Summary();

model.Compile(loss: "categorical_crossentropy", optimizer: new RMSprop(), metrics: ["accuracy"]);

History history = model.Fit(xTrain, yTrainOneHot, batchSize: BatchSize, epochs: options.Epochs, verbose: 1,
                            validationData: (xTest, yTestOneHot));
var score = model.Evaluate(xTest, yTestOneHot, verbose: 0);
Console.WriteLine($"Test loss: {score["loss"]:F4}");
Console.WriteLine($"Test accuracy: {score["accuracy"]:F4}");

string path = options.File("mnist_history.png");
Plot.History(path, history);
Console.WriteLine($"wrote {path}");
