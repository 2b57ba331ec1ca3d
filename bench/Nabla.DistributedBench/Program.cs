using System.Diagnostics;
using System.Globalization;
using Nabla;
using Nabla.Callbacks;
using Nabla.Datasets;
using Nabla.Distributed;
using Nabla.Layers;

// Data-parallel throughput of the tutorial workloads W3 (MNIST MLP 784-512-512-10, batch 128, 8,000 images) and W4 at
// batch 256 (Fashion-MNIST MLP 784-128-10, 60,000 images): run once alone with one thread (NABLA_NUM_THREADS=1) and once
// under `mpirun -np 2` (each rank then takes one core), and compare the images per second rank 0 prints. The best epoch
// after the first (which includes the JIT) is reported, with the time the steps waited for the gradient all-reduce in it
// and the time the all-reduces took (the third argument: "overlap" sums during the backward pass, "serial" after it;
// without it, DataParallel's default: overlap when a rank has more than one core).
//   NABLA_NUM_THREADS=1 dotnet bench/Nabla.DistributedBench/bin/Release/net10.0/Nabla.DistributedBench.dll w3 4
//   mpirun -np 2 dotnet bench/Nabla.DistributedBench/bin/Release/net10.0/Nabla.DistributedBench.dll w3 4
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string workload = args.Length > 0 ? args[0] : "w3";
int epochs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
bool? overlap = args.Length <= 2 ? null : args[2] != "serial";
using Communicator world = Mpi.Initialize();
Nabla.Random.SetSeed(7);

(Tensor x, Tensor y, int batch, Sequential model) = workload switch
{
    "w3" => Mnist(),
    "w4" => Fashion(),
    _ => throw new ArgumentException($"unknown workload {workload}; use w3 or w4"),
};
var strategy = new DataParallel(world, overlapCommunication: overlap);
model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"], distribution: strategy);

var times = new List<double>();
var allReduce = new List<double>();
var communication = new List<double>();
var clock = new Stopwatch();
TimeSpan reducedBefore = TimeSpan.Zero, communicatedBefore = TimeSpan.Zero;
var timer = new LambdaCallback(
    onEpochBegin: (_, _) =>
    {
        reducedBefore = strategy.GradientAllReduceTime;
        communicatedBefore = strategy.GradientCommunicationTime;
        clock.Restart();
    },
    onEpochEnd: (_, _) =>
    {
        times.Add(clock.Elapsed.TotalSeconds);
        allReduce.Add((strategy.GradientAllReduceTime - reducedBefore).TotalSeconds);
        communication.Add((strategy.GradientCommunicationTime - communicatedBefore).TotalSeconds);
    });
History history = model.Fit(x, y, epochs: epochs, batchSize: batch, verbose: 0, callbacks: [timer]);
int bestEpoch = times.Count > 1 ? times.IndexOf(times.Skip(1).Min()) : 0;
double best = times[bestEpoch];
if (world.IsRoot)
{
    Console.WriteLine($"{workload}: {world.Size} rank(s) on {world.Implementation}, threads per rank {Environment.GetEnvironmentVariable("NABLA_NUM_THREADS") ?? "auto"}");
    Console.WriteLine($"epochs (s): {string.Join(" ", times.Select(t => t.ToString("F3")))}");
    Console.WriteLine($"best epoch {best:F3} s, {x.Shape[0] / best:F0} images/s, final loss {history["loss"][^1]:F4}, accuracy {history["accuracy"][^1]:F4}");
    Console.WriteLine($"gradient all-reduce in that epoch: waited {allReduce[bestEpoch]:F3} s ({allReduce[bestEpoch] / best:P1} of it), " +
                      $"took {communication[bestEpoch]:F3} s; {strategy.GradientAllReduceCount} all-reduces in all, overlap {strategy.OverlapCommunication}, " +
                      $"{strategy.OverlappedBucketCount} buckets handed over during the backward pass");
}

static (Tensor, Tensor, int, Sequential) Mnist()
{
    var ((x, y), _) = Nabla.Datasets.Mnist.LoadData();
    return (x / 255.0, y, 128, new Sequential([
        new Flatten(inputShape: [28, 28]), new Dense(512, activation: "relu"), new Dense(512, activation: "relu"), new Dense(10, activation: "softmax"),
    ]));
}

static (Tensor, Tensor, int, Sequential) Fashion()
{
    var ((x, y), _) = FashionMnist.LoadData();
    return (x / 255.0, y, 256, new Sequential([
        new Flatten(inputShape: [28, 28]), new Dense(128, activation: "relu"), new Dense(10, activation: "softmax"),
    ]));
}
