using Nabla.Gpu.Tests.Support;
using Nabla.Layers;
using Nabla.Models;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>Predict from several threads on one device model gives each thread the single-threaded result.</summary>
[Collection(DeviceCollection.Name)]
public class DeviceConcurrencyTests
{
    [Fact]
    public void Concurrent_predictions_on_one_device_match_the_serial_ones()
    {
        Sequential model;
        using (Device.Use(DeviceCollection.Accelerator))
        {
            model = new Sequential([new Dense(32, activation: "relu", inputShape: [16]), new Dense(4, activation: "softmax")]);
        }

        Tensor[] inputs = [.. Enumerable.Range(0, 4).Select(i => Tensor.RandomUniform([64, 16], -1f, 1f, seed: 40 + i))];
        float[][] serial = [.. inputs.Select(x => model.Predict(x, verbose: 0).ToArray())];
        float[][] parallel = new float[inputs.Length][];
        Parallel.For(0, inputs.Length * 4, i => parallel[i % inputs.Length] = model.Predict(inputs[i % inputs.Length], verbose: 0).ToArray());
        for (int i = 0; i < inputs.Length; i++)
        {
            Assert.Equal(serial[i], parallel[i]);
        }
    }
}
