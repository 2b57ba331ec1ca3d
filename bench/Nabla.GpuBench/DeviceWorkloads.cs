using System.Diagnostics;
using System.Text.Json.Nodes;
using Nabla;
using Nabla.Callbacks;
using Nabla.Datasets;
using Nabla.Devices;
using Nabla.Gpu;
using Nabla.Gpu.Devices;
using Nabla.Layers;
using Nabla.Models;

/// <summary>
/// The "workloads" step: W3 (MNIST MLP 784-512-512-10, batch 128), W4 (Fashion MLP 784-128-10, batch 32 and 256) and
/// W5 (the Fashion CNN, an epoch at batch 256: the GPU goal's batch) trained with Fit on the device and on the CPU
/// engine of the same machine, then W4 b32's step taken apart (copies, launches, syncs) to say what bounds it.
/// </summary>
/// <remarks>
/// The models and data are bench/Nabla.Workloads' (the shipped MNIST subset and Fashion-MNIST, x/255, Adam, sparse
/// categorical cross-entropy); run.sh points NABLA_DATA at the repository's data/ folder. Each run first trains a
/// throwaway copy of the model on a few batches (kernel compilation, arenas), then times every epoch with a callback.
/// --quick is a smoke test that the step works end to end, not a measurement: two batches of training (the CNN one), no warm-up
/// model, 32 test images; on ILGPU's CPU accelerator (where a launch costs milliseconds and the tiled GEMM runs at a few
/// dozen MFLOP/s, so one W3 step at batch 128 takes about 20 s) the batch is also cut to 4.
/// </remarks>
internal static class DeviceWorkloads
{
    private const int QuickSimulatedBatch = 4;
    private const int QuickTestRows = 32;

    private sealed record Spec(string Name, string Description, int BatchSize, int Epochs, Func<Sequential> Build, bool Cnn);

    public static JsonObject Run(string gpuName, bool quick)
    {
        Device gpu = Device.Get(gpuName == GpuDevice.CpuName ? Device.CpuAcceleratorName : gpuName);
        var fashion = Scaled(FashionMnist.LoadData());
        var digits = Scaled(Mnist.LoadData());
        Spec[] specs =
        [
            new("w3_mnist_mlp_b128", "Flatten-Dense(512, relu)-Dense(512, relu)-Dense(10, softmax), MNIST subset (8,000 train, 2,000 test)", 128, 3, Mlp512, false),
            new("w4_fashion_mlp_b32", "Flatten-Dense(128, relu)-Dense(10, softmax), Fashion-MNIST (60,000 train, 10,000 test)", 32, 2, Mlp128, false),
            new("w4_fashion_mlp_b256", "as w4_fashion_mlp_b32 at batch 256", 256, 2, Mlp128, false),
            new("w5_fashion_cnn_b256", "Conv2D(32,3,relu,same)-MaxPool(2)-Conv2D(64,3,relu,same)-MaxPool(2)-Flatten-Dense(128,relu)-Dense(10,softmax), Fashion-MNIST", 256, 1, Cnn, true),
        ];

        var result = new JsonObject
        {
            ["device"] = gpu.Name,
            ["device_description"] = gpu.Description,
            ["cpu_threads"] = Environment.ProcessorCount,
            ["note"] = quick ? "quick: a small subset, one epoch; a smoke test, not a measurement" : "epochs timed after a warm-up on a throwaway model",
        };
        foreach (Spec spec in specs)
        {
            var (train, test) = spec.Name.StartsWith("w3", StringComparison.Ordinal) ? digits : fashion;
            if (spec.Cnn)
            {
                (train, test) = ((train.X.Reshape(-1, 28, 28, 1), train.Y), (test.X.Reshape(-1, 28, 28, 1), test.Y));
            }

            Spec run = spec;
            if (quick)
            {
                run = spec with { BatchSize = gpu.Kind == DeviceKind.CpuAccelerator ? Math.Min(spec.BatchSize, QuickSimulatedBatch) : spec.BatchSize };
                int rows = (spec.Cnn ? 1 : 2) * run.BatchSize;   // the CNN's kernels are the slowest to compile and run there
                (train, test) = ((train.X[..rows], train.Y[..rows]), (test.X[..QuickTestRows], test.Y[..QuickTestRows]));
            }

            JsonObject onGpu = Measure(run, gpu, train, test, quick), onCpu = Measure(run, Device.Cpu, train, test, quick);
            var entry = new JsonObject
            {
                ["description"] = spec.Description,
                ["batch_size"] = run.BatchSize,
                ["train_rows"] = train.X.Dim(0),
                ["gpu"] = onGpu,
                ["cpu_engine"] = onCpu,
                ["epoch_speedup_gpu_over_cpu"] = Math.Round(onCpu["epoch_s_median"]!.GetValue<double>() / onGpu["epoch_s_median"]!.GetValue<double>(), 3),
            };
            result[spec.Name] = entry;
            Console.WriteLine($"  {spec.Name}: gpu {onGpu["epoch_s_median"]} s/epoch, cpu {onCpu["epoch_s_median"]} s/epoch");
        }

        result["w4_b32_breakdown"] = StepBreakdown.Measure(gpu, fashion.Train, quick ? (gpu.Kind == DeviceKind.CpuAccelerator ? 2 : 20) : 600);
        return result;
    }

    private static JsonObject Measure(Spec spec, Device device, (Tensor X, Tensor Y) train, (Tensor X, Tensor Y) test, bool quick)
    {
        int warmRows = Math.Min(train.X.Dim(0), 2 * spec.BatchSize);
        var sw = Stopwatch.StartNew();
        if (!quick)
        {
            Build(spec, device, 7).Fit(train.X[..warmRows], train.Y[..warmRows], batchSize: spec.BatchSize, epochs: 1, verbose: 0);
        }

        double warmUp = sw.Elapsed.TotalSeconds;
        Sequential model = Build(spec, device, 1);
        var epochs = new List<double>();
        var timer = new Stopwatch();
        var callback = new LambdaCallback(onEpochBegin: (_, _) => timer.Restart(), onEpochEnd: (_, _) => epochs.Add(timer.Elapsed.TotalSeconds));
        History history = model.Fit(train.X, train.Y, batchSize: spec.BatchSize, epochs: quick ? 1 : spec.Epochs, verbose: 0, callbacks: [callback]);
        IReadOnlyDictionary<string, double> evaluation = model.Evaluate(test.X, test.Y, batchSize: 256, verbose: 0);
        if (!quick)
        {
            model.Predict(test.X[..256], batchSize: 256, verbose: 0);
        }

        sw.Restart();
        model.Predict(test.X, batchSize: 256, verbose: 0);
        double predict = sw.Elapsed.TotalSeconds;
        int steps = (train.X.Dim(0) + spec.BatchSize - 1) / spec.BatchSize;
        double median = Median(epochs);
        var list = new JsonArray();
        foreach (double e in epochs)
        {
            list.Add(Math.Round(e, 4));
        }

        return new JsonObject
        {
            ["device"] = device.Name,
            ["warm_up_s"] = Math.Round(warmUp, 3),
            ["epoch_s"] = list,
            ["epoch_s_median"] = Math.Round(median, 4),
            ["step_ms"] = Math.Round(median * 1000 / steps, 3),
            ["final_loss"] = Math.Round(history["loss"][^1], 5),
            ["test_accuracy"] = Math.Round(evaluation["accuracy"], 4),
            ["inference_images_per_s"] = Math.Round(test.X.Dim(0) / predict, 1),
        };
    }

    private static Sequential Build(Spec spec, Device device, int seed)
    {
        Nabla.Random.SetSeed(seed);
        Sequential model;
        using (Device.Use(device))
        {
            model = spec.Build();
        }

        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        return model;
    }

    private static Sequential Mlp512() => new([
        new Flatten(inputShape: [28, 28]),
        new Dense(512, activation: "relu"),
        new Dense(512, activation: "relu"),
        new Dense(10, activation: "softmax"),
    ]);

    /// <summary>W4's model (the Fashion-MNIST tutorial's).</summary>
    public static Sequential Mlp128() => new([
        new Flatten(inputShape: [28, 28]),
        new Dense(128, activation: "relu"),
        new Dense(10, activation: "softmax"),
    ]);

    private static Sequential Cnn() => new([
        new Conv2D(32, 3, activation: "relu", padding: "same", inputShape: [28, 28, 1]),
        new MaxPooling2D(2),
        new Conv2D(64, 3, activation: "relu", padding: "same"),
        new MaxPooling2D(2),
        new Flatten(),
        new Dense(128, activation: "relu"),
        new Dense(10, activation: "softmax"),
    ]);

    private static ((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) Scaled(((Tensor X, Tensor Y) Train, (Tensor X, Tensor Y) Test) data) =>
        ((data.Train.X / 255f, data.Train.Y), (data.Test.X / 255f, data.Test.Y));

    /// <summary>The median of the values.</summary>
    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
