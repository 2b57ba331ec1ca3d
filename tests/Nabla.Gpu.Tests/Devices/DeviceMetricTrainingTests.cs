using Nabla.Autodiff;
using Nabla.Gpu.Devices;
using Nabla.Gpu.Tests.Support;
using Nabla.Layers;
using Nabla.Metrics;
using Nabla.Models;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>
/// The trainer's metrics on a device model: Fit and Evaluate log what the CPU engine logs, and a step reads back its
/// losses and every built-in metric's sums in one copy, never the batch's predictions (the backend counts every
/// device-to-host copy). A user's function metric keeps its host copies, by rule.
/// </summary>
[Collection(DeviceCollection.Name)]
public class DeviceMetricTrainingTests
{
    private const int Rows = 40, Features = 6, Classes = 5, BatchSize = 8;

    [Fact]
    public void Fit_and_evaluate_log_the_cpu_engines_metrics()
    {
        (Tensor x, Tensor y) = Data();
        (History cpuHistory, EvaluationResult cpuEval) = Run(Device.Cpu, x, y);
        (History devHistory, EvaluationResult devEval) = Run(DeviceCollection.Accelerator, x, y);
        Assert.Equal(cpuHistory.Keys, devHistory.Keys);
        foreach (string key in cpuHistory.Keys)
        {
            Close.All([.. cpuHistory[key].Select(v => (float)v)], [.. devHistory[key].Select(v => (float)v)], 1e-5, 1e-4, key);
        }

        Assert.Equal(cpuEval.Names, devEval.Names);
        Close.All([.. cpuEval.Values.Select(v => (float)v)], [.. devEval.Values.Select(v => (float)v)], 1e-5, 1e-4, "evaluate");
        Assert.Contains("top_k_categorical_accuracy", cpuEval.Names);
    }

    [Fact]
    public void Evaluate_with_the_same_weights_gives_the_cpu_engines_counts()
    {
        (Tensor x, Tensor y) = Data();
        Sequential cpu = Model(Device.Cpu), gpu = Model(DeviceCollection.Accelerator);
        gpu.SetWeights(cpu.GetWeights());
        EvaluationResult a = cpu.Evaluate(x, y, batchSize: BatchSize, verbose: 0), b = gpu.Evaluate(x, y, batchSize: BatchSize, verbose: 0);
        foreach (string name in a.Names)
        {
            if (name.Contains("accuracy", StringComparison.Ordinal))
            {
                Assert.Equal(a[name], b[name]);   // counts over 40 samples: the same predictions' arg-max give the same hits
            }
            else
            {
                Assert.Equal(a[name], b[name], Math.Abs(a[name]) * 1e-5);
            }
        }
    }

    [Fact]
    public void A_device_step_reads_back_its_metrics_in_one_copy()
    {
        (Tensor x, Tensor y) = Data();
        Sequential model = Model(DeviceCollection.Accelerator);
        model.Evaluate(x, y, batchSize: BatchSize, verbose: 0);   // warm: kernels compile, arenas grow
        long before = Backend.CopiesToHost;
        model.Evaluate(x, y, batchSize: BatchSize, verbose: 0);
        Assert.Equal(Rows / BatchSize, Backend.CopiesToHost - before);   // one per batch: the losses and every metric's sums

        model.Fit(x, y, batchSize: BatchSize, epochs: 1, verbose: 0);
        before = Backend.CopiesToHost;
        model.Fit(x, y, batchSize: BatchSize, epochs: 1, verbose: 0);
        Assert.Equal(Rows / BatchSize, Backend.CopiesToHost - before);
    }

    [Fact]
    public void A_user_function_metric_gets_host_copies_by_rule()
    {
        (Tensor x, Tensor y) = Data();
        Sequential model = Model(DeviceCollection.Accelerator, [new FunctionMetric((t, p) => Ops.Max(Ops.Abs(p - t), -1), "max_error")]);
        model.Evaluate(x, y, batchSize: BatchSize, verbose: 0);
        long before = Backend.CopiesToHost;
        EvaluationResult result = model.Evaluate(x, y, batchSize: BatchSize, verbose: 0);
        Assert.Equal(3 * (Rows / BatchSize), Backend.CopiesToHost - before);   // the sums, then the targets and predictions
        Assert.True(result["max_error"] > 0);
    }

    private static (History History, EvaluationResult Evaluation) Run(Device device, Tensor x, Tensor y)
    {
        Sequential model = Model(device);
        History h = model.Fit(x, y, batchSize: BatchSize, epochs: 2, verbose: 0, validationData: (x, y));
        return (h, model.Evaluate(x, y, batchSize: BatchSize, verbose: 0));
    }

    private static Sequential Model(Device device, Metric[]? extra = null)
    {
        Nabla.Random.SetSeed(21);
        Sequential model;
        using (Device.Use(device))
        {
            model = new Sequential([new Dense(8, activation: "relu", inputShape: [Features]), new Dense(Classes, activation: "softmax")]);
        }

        Metric[] metrics =
        [
            "accuracy", new CategoricalAccuracy(), new TopKCategoricalAccuracy(k: 2), "mse", "mae", new RootMeanSquaredError(), new Accuracy("exact"),
            new BinaryAccuracy(threshold: 0.2f),
        ];
        model.Compile(optimizer: "adam", loss: "categorical_crossentropy", metrics: extra ?? metrics);
        return model;
    }

    private static (Tensor X, Tensor Y) Data()
    {
        var rng = new System.Random(3);
        float[] x = new float[Rows * Features], y = new float[Rows * Classes];
        for (int r = 0; r < Rows; r++)
        {
            int c = r % Classes;
            y[(r * Classes) + c] = 1f;
            for (int f = 0; f < Features; f++)
            {
                x[(r * Features) + f] = (float)((rng.NextDouble() * 2) - 1 + (f % Classes == c ? 1.2 : 0));
            }
        }

        return (Tensor.FromArray(x, Rows, Features), Tensor.FromArray(y, Rows, Classes));
    }

    private static GpuBackend Backend => (GpuBackend)DeviceCollection.Accelerator.Backend!;
}
