using Nabla.Callbacks;
using Nabla.Gpu.Tests.Support;
using Nabla.Layers;
using Nabla.Models;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>
/// Whole training runs on the <c>ilgpu-cpu</c> device against the same runs on the CPU engine: the weights are made on
/// the device under <see cref="Device.Use(Device)"/>, Fit moves the batches there, Predict copies the outputs back, and
/// History, Evaluate and Predict agree within float tolerance.
/// </summary>
[Collection(DeviceCollection.Name)]
public class DeviceFitTests
{
    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    [InlineData("rmsprop")]
    [InlineData("adagrad")]
    [InlineData("adamw")]
    public void An_mlp_trains_on_the_device_as_on_the_cpu(string optimizer)
    {
        (Tensor x, Tensor y) = Blobs(96, 12, 4, seed: 5);
        Run cpu = Train(Device.Cpu, optimizer, x, y);
        Run device = Train(DeviceCollection.Accelerator, optimizer, x, y);
        Assert.Equal(cpu.History.Keys, device.History.Keys);
        foreach (string key in cpu.History.Keys)
        {
            Close.All([.. cpu.History[key].Select(v => (float)v)], [.. device.History[key].Select(v => (float)v)], 1e-4, 1e-3, key);
        }

        Close.All([.. cpu.Evaluation.Values.Select(v => (float)v)], [.. device.Evaluation.Values.Select(v => (float)v)], 1e-4, 1e-3, "evaluate");
        Close.All(cpu.Predictions, device.Predictions, 1e-4, 1e-3, "predict");
        Assert.True(cpu.History["loss"][^1] < cpu.History["loss"][0], "the run learns");
    }

    [Theory]
    [InlineData("categorical_crossentropy", "softmax", "categorical_accuracy")]
    [InlineData("binary_crossentropy", "sigmoid", "binary_accuracy")]
    [InlineData("mse", "linear", "mae")]
    [InlineData("mae", "tanh", "root_mean_squared_error")]
    public void Losses_and_metrics_with_sample_weights_agree_with_the_cpu(string loss, string activation, string metric)
    {
        (Tensor x, Tensor labels) = Blobs(40, 6, 3, seed: 9);
        Tensor y = Utils.ToCategorical(labels, 3);
        Tensor weights = Tensor.RandomUniform([40], 0.5f, 1.5f, seed: 2);
        History Train(Device device)
        {
            Nabla.Random.SetSeed(13);
            Sequential model;
            using (Device.Use(device))
            {
                model = new Sequential([new Dense(8, activation: "relu", inputShape: [6]), new Dense(3, activation: activation)]);
            }

            model.Compile(optimizer: new Nabla.Optimizers.SGD(0.05, momentum: 0.9, nesterov: true, clipnorm: 1.0), loss: loss, metrics: [metric]);
            return model.Fit(x, y, batchSize: 8, epochs: 2, verbose: 0, sampleWeight: weights);
        }

        History cpu = Train(Device.Cpu), device = Train(DeviceCollection.Accelerator);
        Assert.Equal(cpu.Keys, device.Keys);
        foreach (string key in cpu.Keys)
        {
            Close.All([.. cpu[key].Select(v => (float)v)], [.. device[key].Select(v => (float)v)], 1e-4, 1e-3, key);
        }
    }

    [Fact]
    public void A_cnn_with_batch_norm_and_dropout_trains_on_the_device_as_on_the_cpu()
    {
        (Tensor x, Tensor y) = Blobs(48, 64, 3, seed: 8);
        x = x.Reshape(48, 8, 8, 1);
        Run cpu = TrainCnn(Device.Cpu, x, y);
        Run device = TrainCnn(DeviceCollection.Accelerator, x, y);
        foreach (string key in cpu.History.Keys)
        {
            Close.All([.. cpu.History[key].Select(v => (float)v)], [.. device.History[key].Select(v => (float)v)], 1e-4, 1e-3, key);
        }

        Close.All(cpu.Predictions, device.Predictions, 1e-4, 1e-3, "predict");
    }

    [Fact]
    public void Weights_live_on_the_device_and_predictions_come_back_to_the_host()
    {
        Device d = DeviceCollection.Accelerator;
        Sequential model;
        using (Device.Use(d))
        {
            model = new Sequential([new Dense(3, activation: "relu", inputShape: [4]), new Dense(2)]);
        }

        Assert.All(model.Weights, w => Assert.Same(d, w.Value.Device));
        Tensor x = Tensor.Ones(5, 4);
        Tensor p = model.Predict(x, verbose: 0);
        Assert.Same(Device.Cpu, p.Device);
        Tensor direct = model.Apply(x.To(d));
        Assert.Same(d, direct.Device);
        Close.All(direct.ToArray(), p.ToArray(), 1e-6, 1e-5, "predict vs call");
        Assert.All(model.GetWeights(), w => Assert.Same(Device.Cpu, w.Device));
    }

    private static Run Train(Device device, string optimizer, Tensor x, Tensor y)
    {
        Nabla.Random.SetSeed(11);
        Sequential model;
        using (Device.Use(device))
        {
            model = new Sequential([
                new Dense(16, activation: "relu", inputShape: [x.Dim(1)]),
                new Dense(8, activation: "tanh"),
                new Dense(4, activation: "softmax"),
            ]);
        }

        model.Compile(optimizer: optimizer, loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        History h = model.Fit(x, y, batchSize: 16, epochs: 3, verbose: 0, validationSplit: 0.25);
        IReadOnlyDictionary<string, double> evaluation = model.Evaluate(x, y, verbose: 0);
        float[] predictions = model.Predict(x, batchSize: 32, verbose: 0).ToArray();
        return new Run(h, evaluation, predictions);
    }

    private static Run TrainCnn(Device device, Tensor x, Tensor y)
    {
        Nabla.Random.SetSeed(12);
        Sequential model;
        using (Device.Use(device))
        {
            model = new Sequential([
                new Conv2D(4, 3, activation: "relu", inputShape: [8, 8, 1]),
                new BatchNormalization(momentum: 0.9),
                new MaxPooling2D(2),
                new Dropout(0.2, seed: 4),
                new Flatten(),
                new Dense(3, activation: "softmax"),
            ]);
        }

        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        History h = model.Fit(x, y, batchSize: 16, epochs: 2, verbose: 0, validationSplit: 0.25);
        float[] predictions = model.Predict(x, verbose: 0).ToArray();
        return new Run(h, model.Evaluate(x, y, verbose: 0), predictions);
    }

    private static (Tensor X, Tensor Y) Blobs(int rows, int features, int classes, int seed)
    {
        var rng = new System.Random(seed);
        float[] x = new float[rows * features], y = new float[rows];
        for (int r = 0; r < rows; r++)
        {
            int c = r % classes;
            y[r] = c;
            for (int f = 0; f < features; f++)
            {
                x[(r * features) + f] = (float)((rng.NextDouble() * 2) - 1 + (f % classes == c ? 1.5 : 0));
            }
        }

        return (Tensor.FromArray(x, rows, features), Tensor.FromArray(y, rows));
    }

    private sealed record Run(History History, IReadOnlyDictionary<string, double> Evaluation, float[] Predictions);
}
