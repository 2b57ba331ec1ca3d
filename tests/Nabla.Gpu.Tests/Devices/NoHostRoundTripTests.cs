using Nabla.Autodiff;
using Nabla.Gpu.Devices;
using Nabla.Gpu.Tests.Support;
using Nabla.Kernels;
using Nabla.Layers;
using Nabla.Optimizers;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>
/// The ops that used to copy their tensors to the host and back now stay on the device: forward, backward and the
/// optimizer update make no device-to-host copy at all (the backend counts every one), so a silent fallback to the
/// host fails here even when its numbers would be right.
/// </summary>
[Collection(DeviceCollection.Name)]
public class NoHostRoundTripTests
{
    private static readonly Dictionary<string, Func<Tensor, Tensor>> Ops1 = new()
    {
        ["relu thresholded, capped, sloped"] = x => Ops.Relu(x, 0.1f, 0.6f, 0.2f),
        ["ReLU layer max_value"] = x => new ReLU(maxValue: 1.0).Apply(x),
        ["ArgMax axis (times x)"] = x => Ops.Multiply(x, Ops.ArgMax(x, -1, keepDims: true)),
        ["ArgMin axis 1 (times x)"] = x => Ops.Multiply(x, Ops.ArgMin(x, 1, keepDims: true)),
        ["AffineTransformImages bilinear reflect"] = x => Ops.AffineTransformImages(x, Rotation(x.Dim(0)), ImageInterpolation.Bilinear, ImageFillMode.Reflect, 0f),
        ["AffineTransformImages nearest constant"] = x => Ops.AffineTransformImages(x, Rotation(x.Dim(0)), ImageInterpolation.Nearest, ImageFillMode.Constant, 1f),
        ["FlipImages"] = x => Ops.FlipImages(x, [1, 2, 3]),
        ["RandomRotation layer"] = x => new RandomRotation(0.2, seed: 1).Apply(x, training: true),
        ["RandomTranslation layer"] = x => new RandomTranslation(0.2, 0.2, fillMode: "wrap", seed: 2).Apply(x, training: true),
        ["RandomZoom layer"] = x => new RandomZoom(0.3, seed: 3).Apply(x, training: true),
        ["RandomFlip layer"] = x => new RandomFlip(seed: 4).Apply(x, training: true),
        ["GlobalMaxPooling2D"] = x => new GlobalMaxPooling2D().Apply(x),
    };

    /// <summary>The case names.</summary>
    public static TheoryData<string> Names => [.. Ops1.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_and_backward_make_no_copy_to_the_host(string name)
    {
        Device device = DeviceCollection.Accelerator;
        Tensor x = Tensor.RandomUniform([3, 5, 4, 2], -2f, 2f, seed: 9).To(device);
        Func<Tensor, Tensor> op = Ops1[name];
        op(x);   // first call: kernels compile, layers build
        long before = Backend.CopiesToHost;
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = op(x);
        Tensor loss = Ops.Sum(Ops.Multiply(y, Tensor.RandomUniform(y.Shape, -1f, 1f, seed: 10).To(device)));   // an upload, not counted
        Tensor dx = tape.Gradient(loss, [x])[0];
        Assert.Same(device, dx.Device);
        Assert.Equal(0, Backend.CopiesToHost - before);
        Assert.Contains(dx.ToArray(), v => v != 0f);   // the gradient flowed (and the counter counts: this read is one copy)
        Assert.True(Backend.CopiesToHost > before);
    }

    [Theory]
    [InlineData("clipnorm")]
    [InlineData("clipvalue")]
    [InlineData("global_clipnorm")]
    public void Clipped_optimizer_updates_make_no_copy_to_the_host(string clip)
    {
        Device device = DeviceCollection.Accelerator;
        Variable[] vars = [new(Tensor.RandomUniform([6, 5], -1f, 1f, seed: 1).To(device)), new(Tensor.Zeros([5]).To(device))];
        Tensor[] grads = [Tensor.RandomUniform([6, 5], -3f, 3f, seed: 2).To(device), Tensor.RandomUniform([5], -3f, 3f, seed: 3).To(device)];
        Optimizer opt = clip switch
        {
            "clipnorm" => new Adam(0.01, clipnorm: 0.5),
            "clipvalue" => new Adam(0.01, clipvalue: 0.5),
            _ => new Adam(0.01, globalClipnorm: 0.5),
        };
        opt.Apply(grads, vars);   // builds the slots and the clipping scratch
        long before = Backend.CopiesToHost;
        opt.Apply(grads, vars);
        opt.Apply(grads, vars);
        Assert.Equal(0, Backend.CopiesToHost - before);
    }

    private static GpuBackend Backend => (GpuBackend)DeviceCollection.Accelerator.Backend!;

    private static float[] Rotation(int batch)
    {
        float[] t = new float[batch * ImageTransform.TransformLength];
        for (int n = 0; n < batch; n++)
        {
            float c = MathF.Cos(0.3f * (n + 1)), s = MathF.Sin(0.3f * (n + 1));
            new[] { c, -s, 1.2f, s, c, -0.7f }.CopyTo(t, n * ImageTransform.TransformLength);
        }

        return t;
    }
}
