using Nabla.Callbacks;
using Nabla.Gpu.Tests.Support;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Models;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>
/// Functional models with several inputs and outputs on the <c>ilgpu-cpu</c> device: Fit, Evaluate and Predict agree with
/// the CPU engine, and a model saved from the device loads back onto it with the same predictions.
/// </summary>
[Collection(DeviceCollection.Name)]
public class DeviceModelTests
{
    [Fact]
    public void A_two_input_two_output_model_with_a_merge_trains_as_on_the_cpu()
    {
        (Tensor a, Tensor b, Tensor labels, Tensor scores) = Data(48);
        (History cpuHistory, Tensor[] cpuPredictions) = Train(Device.Cpu, a, b, labels, scores);
        (History devHistory, Tensor[] devPredictions) = Train(DeviceCollection.Accelerator, a, b, labels, scores);
        Assert.Equal(cpuHistory.Keys, devHistory.Keys);
        foreach (string key in cpuHistory.Keys)
        {
            Close.All([.. cpuHistory[key].Select(v => (float)v)], [.. devHistory[key].Select(v => (float)v)], 1e-4, 1e-3, key);
        }

        for (int o = 0; o < 2; o++)
        {
            Assert.Same(Device.Cpu, devPredictions[o].Device);
            Close.All(cpuPredictions[o].ToArray(), devPredictions[o].ToArray(), 1e-4, 1e-3, $"output {o}");
        }
    }

    [Fact]
    public void A_model_saved_from_the_device_loads_back_onto_it()
    {
        Device d = DeviceCollection.Accelerator;
        (Tensor a, _, Tensor labels, _) = Data(24);
        Sequential model;
        using (Device.Use(d))
        {
            model = new Sequential([new Dense(6, activation: "relu", inputShape: [5]), new Dense(3, activation: "softmax")]);
        }

        model.Compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        model.Fit(a, labels, epochs: 1, batchSize: 8, verbose: 0);
        float[] before = model.Predict(a, verbose: 0).ToArray();
        string path = Path.Combine(Path.GetTempPath(), $"nabla-device-{Guid.NewGuid():N}.keras");
        try
        {
            model.Save(path);
            Model loaded;
            using (Device.Use(d))
            {
                loaded = Model.Load(path);
            }

            Assert.All(loaded.Weights, w => Assert.Same(d, w.Value.Device));
            Assert.Equal(before, loaded.Predict(a, verbose: 0).ToArray());

            // Training continues on the device from the restored optimizer state.
            History h = loaded.Fit(a, labels, epochs: 1, batchSize: 8, verbose: 0);
            Assert.True(double.IsFinite(h["loss"][0]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (History History, Tensor[] Predictions) Train(Device device, Tensor a, Tensor b, Tensor labels, Tensor scores)
    {
        Nabla.Random.SetSeed(31);
        Model model;
        using (Device.Use(device))
        {
            model = TwoInputs();
        }

        model.Compile(optimizer: "rmsprop", loss: ["sparse_categorical_crossentropy", "mse"], lossWeights: [1.0, 0.5], metrics: [["accuracy"], ["mae"]]);
        History h = model.Fit([a, b], [labels, scores], epochs: 2, batchSize: 16, verbose: 0);
        return (h, model.Predict([a, b], verbose: 0));
    }

    private static Model TwoInputs()
    {
        var first = new Input(shape: [5], name: "first");
        var second = new Input(shape: [3], name: "second");
        KerasTensor h = new Dense(8, activation: "relu", kernelInitializer: new GlorotUniform(seed: 1)).Apply(first);
        KerasTensor joined = new Concatenate().Apply([h, second]);
        KerasTensor label = new Dense(3, activation: "softmax", name: "label", kernelInitializer: new GlorotUniform(seed: 2)).Apply(joined);
        KerasTensor score = new Dense(1, name: "score", kernelInitializer: new GlorotUniform(seed: 3)).Apply(joined);
        return new Model([first, second], [label, score]);
    }

    private static (Tensor A, Tensor B, Tensor Labels, Tensor Scores) Data(int n)
    {
        Tensor a = Tensor.RandomUniform([n, 5], -1f, 1f, seed: 4), b = Tensor.RandomUniform([n, 3], -1f, 1f, seed: 5);
        float[] av = a.ToArray(), bv = b.ToArray();
        float[] labels = [.. Enumerable.Range(0, n).Select(i => (float)(av[i * 5] > 0.3f ? 2 : av[i * 5] > -0.3f ? 1 : 0))];
        float[] scores = [.. Enumerable.Range(0, n).Select(i => (2f * bv[i * 3]) - bv[(i * 3) + 2])];
        return (a, b, Tensor.FromArray(labels, n), Tensor.FromArray(scores, n, 1));
    }
}
