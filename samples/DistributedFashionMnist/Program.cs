// The main sample's model trained data-parallel over MPI: every rank (process) holds the model and trains on its share
// of each global batch of 64; gradients are summed with all-reduce, so the ranks stay identical. Run it with a launcher,
// or alone (then it is one rank and trains as the plain sample does):
//   mpirun -np 2 dotnet run -c Release --project samples/DistributedFashionMnist -- [--epochs 5] [--out DIR]
//   mpirun -np 8 --hostfile hosts dotnet samples/DistributedFashionMnist/bin/Release/net10.0/DistributedFashionMnist.dll
using Nabla;
using Nabla.Datasets;
using Nabla.Distributed;
using Nabla.Layers;
using Nabla.Samples;

var options = SampleOptions.Parse(args, defaultEpochs: 5);

using var world = Mpi.Initialize();                        // rank and size from the launcher; one rank without it
var strategy = new DataParallel(world);
if (world.IsRoot)
{
    Console.WriteLine($"{world.Size} rank(s) on {world.Implementation}");
}

var ((xTrain, yTrain), (xTest, yTest)) = FashionMnist.LoadData();
xTrain = xTrain / 255.0;
xTest = xTest / 255.0;

var model = new Sequential([
    new Flatten(inputShape: [28, 28, 1]),
    new Dense(128, activation: "relu"),
    new Dense(10, activation: "softmax"),
]);
model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"],
              distribution: strategy);                     // every rank must build the same model
if (world.IsRoot)
{
    model.Summary();
}

model.Fit(xTrain, yTrain, epochs: options.Epochs, batchSize: 64);   // 64 = the global batch; progress from rank 0 only
var result = model.Evaluate(xTest, yTest, verbose: 0);              // each rank evaluates its share; results combined
if (world.IsRoot)
{
    Console.WriteLine($"test accuracy: {result["accuracy"]:F4}");
    string path = options.File("distributed.keras");
    model.Save(path);                                               // rank 0 writes; the weights are the same everywhere
    Console.WriteLine($"wrote {path}");
}
