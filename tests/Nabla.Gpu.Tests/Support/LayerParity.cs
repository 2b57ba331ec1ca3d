using Nabla.Autodiff;
using Nabla.Layers;

namespace Nabla.Gpu.Tests.Support;

/// <summary>
/// Builds a layer twice from the same seed, on the CPU and on a device, and compares its output, the gradients of
/// Σ(output ⊙ r) with respect to the input and to every trainable weight, and its weights after the call (moving
/// statistics).
/// </summary>
public static class LayerParity
{
    /// <summary>Asserts that the layer made by <paramref name="make"/> agrees on <paramref name="device"/> with the CPU.</summary>
    /// <param name="device">The device compared with the CPU.</param>
    /// <param name="make">Makes the layer (called once per device, under its <see cref="Device.Use(Device)"/>).</param>
    /// <param name="input">The host input.</param>
    /// <param name="training">The call's training flag.</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    public static void Check(Device device, Func<Layer> make, Tensor input, bool training = true, double atol = 1e-4, double rtol = 1e-3)
    {
        Result cpu = Run(Device.Cpu, make, input, training);
        Result dev = Run(device, make, input, training);
        Close.All(cpu.Y, dev.Y, atol, rtol, "forward");
        Close.All(cpu.Dx, dev.Dx, atol, rtol, "input gradient");
        Assert.Equal(cpu.Dw.Length, dev.Dw.Length);
        for (int i = 0; i < cpu.Dw.Length; i++)
        {
            Close.All(cpu.Dw[i], dev.Dw[i], atol, rtol, $"gradient of weight {i}");
        }

        for (int i = 0; i < cpu.Weights.Length; i++)
        {
            Close.All(cpu.Weights[i], dev.Weights[i], atol, rtol, $"weight {i} after the call");
        }
    }

    private static Result Run(Device device, Func<Layer> make, Tensor input, bool training)
    {
        Nabla.Random.SetSeed(21);
        Layer layer;
        using (Device.Use(device))
        {
            layer = make();
            layer.BuildOnce(input.Shape);   // weights are made on the device current when the layer builds
        }

        Tensor x = input.To(device);
        Assert.All(layer.Weights, w => Assert.Same(device, w.Value.Device));
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = layer.Apply(x, training);
        Assert.Same(device, y.Device);
        Tensor r = Tensor.RandomUniform(y.Shape, -1f, 1f, seed: 3);
        Tensor loss = Ops.Sum(Ops.Multiply(y, r.To(device)));
        IReadOnlyList<Tensor> grads = tape.Gradient(loss, [x, .. layer.TrainableWeights.Select(w => w.Value)]);
        return new Result(y.ToArray(), grads[0].ToArray(), [.. grads.Skip(1).Select(g => g.ToArray())], [.. layer.Weights.Select(w => w.Value.ToArray())]);
    }

    private sealed record Result(float[] Y, float[] Dx, float[][] Dw, float[][] Weights);
}
