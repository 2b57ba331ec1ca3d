using Nabla.Autodiff;

namespace Nabla.Gpu.Tests.Support;

/// <summary>
/// Runs one op on the CPU engine and on a device from the same inputs and compares its output and the gradients of
/// Σ(output ⊙ r), r a random direction, with respect to every input.
/// </summary>
public static class Parity
{
    /// <summary>Asserts that <paramref name="op"/> agrees on <paramref name="device"/> with the CPU, forward and backward.</summary>
    /// <param name="device">The device compared with the CPU.</param>
    /// <param name="op">The op, applied to the inputs.</param>
    /// <param name="inputs">Host inputs (copied to the device for the device run).</param>
    /// <param name="atol">Absolute tolerance.</param>
    /// <param name="rtol">Relative tolerance.</param>
    /// <param name="differentiable">How many of the first inputs are watched (all by default).</param>
    public static void Check(Device device, Func<Tensor[], Tensor> op, Tensor[] inputs, double atol = 1e-5, double rtol = 1e-4, int? differentiable = null)
    {
        int watched = differentiable ?? inputs.Length;
        (float[] cpuY, float[][] cpuGrads) = Run(op, inputs, watched, null);
        Tensor[] onDevice = [.. inputs.Select(t => t.To(device))];
        (float[] devY, float[][] devGrads) = Run(op, onDevice, watched, device);
        Close.All(cpuY, devY, atol, rtol, "forward");
        for (int i = 0; i < watched; i++)
        {
            Close.All(cpuGrads[i], devGrads[i], atol, rtol, $"gradient of input {i}");
        }
    }

    private static (float[] Y, float[][] Grads) Run(Func<Tensor[], Tensor> op, Tensor[] inputs, int watched, Device? device)
    {
        using var tape = new GradientTape();
        for (int i = 0; i < watched; i++)
        {
            tape.Watch(inputs[i]);
        }

        Tensor y = op(inputs);
        if (device is not null)
        {
            Assert.Same(device, y.Device);
        }

        Tensor r = Tensor.RandomUniform(y.Shape, -1f, 1f, seed: 7);
        Tensor loss = Ops.Sum(Ops.Multiply(y, device is null ? r : r.To(device)));
        IReadOnlyList<Tensor> grads = tape.Gradient(loss, inputs[..watched]);
        return (y.ToArray(), [.. grads.Select(g => g.ToArray())]);
    }

    /// <summary>Uniform random values in [low, high) with the given shape.</summary>
    public static Tensor Random(int seed, float low, float high, params int[] shape) => Tensor.RandomUniform(shape, low, high, seed);
}
