using System.Globalization;
using Nabla.Initializers;
using Nabla.Layers;

namespace Nabla.Distributed.MpiChecks;

/// <summary>
/// Data-parallel Fit, Evaluate and Predict through <see cref="DataParallel"/>. Each rank prints what the test compares:
/// a digest of its final weights (equal bits on every rank), sampled weights and the History (against a one-process
/// run over the same global batches), and checks of Evaluate and Predict.
/// </summary>
internal static class TrainingChecks
{
    private const int Samples = 600, Features = 12, Classes = 4;

    /// <summary>
    /// Trains a seeded MLP for 3 epochs at global batch 64 (or the fourth argument) with validation, then evaluates and
    /// predicts. The third argument chooses how gradients are summed: <c>overlap</c> (the default, during the backward
    /// pass), <c>serial</c> (after it), with <c>-small</c> every gradient in a bucket of its own (so that the overlapped
    /// path hands buckets over while the pass runs), with <c>-bn</c> a batch normalization after the hidden layer. A fifth argument names the device
    /// to build and train the model on (such as <c>ilgpu-cpu</c>).
    /// </summary>
    public static void Fit(string[] args)
    {
        using Communicator world = Mpi.Initialize(Scenarios.Timeout(args));
        string mode = args.Length > 2 ? args[2] : "overlap";
        int batch = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 64;
        using IDisposable? onDevice = args.Length > 4 ? Device.Use(args[4]) : null;
        Random.SetSeed(2024);   // the same global random sequence on every rank and in the one-process run
        Sequential model = Model(hidden: 32, batchNormalization: mode.Contains("-bn", StringComparison.Ordinal));
        bool small = mode.Contains("-small", StringComparison.Ordinal);
        bool? overlap = mode.StartsWith("auto", StringComparison.Ordinal) ? null : mode.StartsWith("overlap", StringComparison.Ordinal);
        var strategy = new DataParallel(world, overlapCommunication: overlap,
            bucketBytes: small ? 4 : GradientBuckets.DefaultBucketBytes, inPlaceBytes: small ? 4 : GradientBuckets.DefaultInPlaceBytes);
        model.Compile(optimizer: new Optimizers.Adam(learningRate: 0.01), loss: "sparse_categorical_crossentropy", metrics: ["accuracy"],
            distribution: strategy);
        (Tensor x, Tensor y) = Data();
        History history = model.Fit(x, y, epochs: 3, batchSize: batch, validationSplit: 0.2, verbose: world.IsRoot ? 2 : 0);
        Log.Line(world, $"device {model.Weights[0].Value.Device.Name}");
        Log.Line(world, $"cores {Environment.ProcessorCount}");
        Log.Line(world, $"strategy overlap {strategy.OverlapCommunication} steps {strategy.GradientAllReduceCount} overlapped buckets {strategy.OverlappedBucketCount}");

        float[] weights = model.GetWeights().SelectMany(w => w.ToArray()).ToArray();
        byte[] bytes = new byte[weights.Length * sizeof(float)];
        Buffer.BlockCopy(weights, 0, bytes, 0, bytes.Length);
        Log.Line(world, $"weights digest {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))}");
        Log.Line(world, "weights sample " + string.Join(" ", Enumerable.Range(0, 24).Select(i => weights[i * (weights.Length / 24)].ToString("R", CultureInfo.InvariantCulture))));
        foreach (string key in new[] { "loss", "accuracy", "val_loss", "val_accuracy" })
        {
            Log.Line(world, $"history {key} " + string.Join(" ", history[key].Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }

        EvaluationResult result = model.Evaluate(x, y, batchSize: 50, verbose: 0);
        Log.Line(world, $"evaluate loss {result["loss"].ToString("R", CultureInfo.InvariantCulture)} accuracy {result["accuracy"].ToString("R", CultureInfo.InvariantCulture)}");
        Tensor predicted = model.Predict(x, batchSize: 50, verbose: 0);
        Log.Require(predicted.Shape[0] == Samples, $"Predict returned {predicted.Shape} rows");
        float[] p = predicted.ToArray();
        Log.Line(world, "predict sample " + string.Join(" ", Enumerable.Range(0, 12).Select(i => p[i * (p.Length / 12)].ToString("R", CultureInfo.InvariantCulture))));
        Log.Pass(world, "data-parallel fit, evaluate and predict");
    }

    /// <summary>Rank 1 builds a wider hidden layer: Fit must refuse on every rank, naming rank 1.</summary>
    public static void Mismatch(string[] args)
    {
        using Communicator world = Mpi.Initialize(Scenarios.Timeout(args));
        Sequential model = Model(hidden: world.Rank == 1 ? 33 : 32);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", distribution: new DataParallel(world));
        (Tensor x, Tensor y) = Data();
        try
        {
            model.Fit(x, y, epochs: 1, batchSize: 64, verbose: 0);
            Log.Line(world, "NOT CAUGHT");
        }
        catch (RankMismatchException e)
        {
            Log.Line(world, $"CAUGHT {e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
    }

    /// <summary>Rank 1 dies in the middle of epoch 2: rank 0 must fail within the timeout, not hang.</summary>
    public static void Killed(string[] args)
    {
        using Communicator world = Mpi.Initialize(Scenarios.Timeout(args));
        Sequential model = Model(hidden: 32);
        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", distribution: new DataParallel(world));
        (Tensor x, Tensor y) = Data();
        var killer = new Callbacks.LambdaCallback(onTrainBatchEnd: (batch, _) =>
        {
            if (world.Rank == 1 && batch == 3 && Volatile.Read(ref s_epoch) == 1)
            {
                Log.Line(world, "dying now");
                Environment.FailFast("rank 1 dies on purpose");
            }
        }, onEpochBegin: (epoch, _) => Volatile.Write(ref s_epoch, epoch));
        model.Fit(x, y, epochs: 3, batchSize: 32, verbose: 0, callbacks: [killer]);
        Log.Line(world, "NOT STOPPED");
    }

    private static int s_epoch;

    private static Sequential Model(int hidden, bool batchNormalization = false) => batchNormalization
        ? new([
            new Dense(hidden, activation: "relu", inputShape: [Features], kernelInitializer: new GlorotUniform(seed: 11)),
            new BatchNormalization(),
            new Dense(Classes, activation: "softmax", kernelInitializer: new GlorotUniform(seed: 12)),
        ])
        : new([
            new Dense(hidden, activation: "relu", inputShape: [Features], kernelInitializer: new GlorotUniform(seed: 11)),
            new Dense(Classes, activation: "softmax", kernelInitializer: new GlorotUniform(seed: 12)),
        ]);

    // Seeded inputs labelled by a seeded linear teacher (the same on every rank).
    private static (Tensor X, Tensor Y) Data()
    {
        var rng = new System.Random(5);
        var teacher = new double[Features * Classes];
        for (int i = 0; i < teacher.Length; i++)
        {
            teacher[i] = rng.NextDouble() - 0.5;
        }

        var x = new float[Samples * Features];
        var y = new float[Samples];
        for (int n = 0; n < Samples; n++)
        {
            var scores = new double[Classes];
            for (int f = 0; f < Features; f++)
            {
                float v = x[(n * Features) + f] = (float)((rng.NextDouble() * 2) - 1);
                for (int c = 0; c < Classes; c++)
                {
                    scores[c] += v * teacher[(f * Classes) + c];
                }
            }

            y[n] = Array.IndexOf(scores, scores.Max());
        }

        return (Tensor.FromArray(x, Samples, Features), Tensor.FromArray(y, Samples));
    }
}
