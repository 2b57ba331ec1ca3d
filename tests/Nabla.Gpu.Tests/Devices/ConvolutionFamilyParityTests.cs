using Nabla.Autodiff;
using Nabla.Gpu.Tests.Support;
using Nabla.Layers;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>
/// The image layers on the <c>ilgpu-cpu</c> device against the CPU engine: convolutions (grouped, strided, dilated,
/// depthwise, separable, 1-D), pooling, global pooling, batch normalization in training and inference, dropout.
/// </summary>
[Collection(DeviceCollection.Name)]
public class ConvolutionFamilyParityTests
{
    private static readonly Dictionary<string, (Func<Layer> Make, int[] Shape, bool Training)> Cases = new()
    {
        ["Conv2D relu"] = (() => new Conv2D(5, 3, activation: "relu"), [2, 7, 6, 3], true),
        ["Conv2D same strided no bias"] = (() => new Conv2D(4, 3, strides: 2, padding: "same", useBias: false), [2, 7, 9, 2], true),
        ["Conv2D dilated gelu"] = (() => new Conv2D(3, 2, dilationRate: 2, activation: "gelu"), [1, 6, 6, 2], true),
        ["Conv2D grouped"] = (() => new Conv2D(6, 3, padding: "same", groups: 2, activation: "tanh"), [2, 5, 5, 4], true),
        ["DepthwiseConv2D"] = (() => new DepthwiseConv2D(3, depthMultiplier: 2, padding: "same"), [2, 5, 6, 3], true),
        ["SeparableConv2D"] = (() => new SeparableConv2D(4, 3, activation: "relu"), [2, 6, 6, 3], true),
        ["Conv1D"] = (() => new Conv1D(4, 3, padding: "same"), [3, 9, 2], true),
        ["MaxPooling2D"] = (() => new MaxPooling2D(2), [2, 6, 7, 3], true),
        ["MaxPooling2D same strided"] = (() => new MaxPooling2D(3, strides: 2, padding: "same"), [2, 7, 7, 2], true),
        ["AveragePooling2D same"] = (() => new AveragePooling2D(3, strides: 2, padding: "same"), [2, 7, 6, 3], true),
        ["GlobalAveragePooling2D"] = (() => new GlobalAveragePooling2D(), [3, 5, 4, 6], true),
        ["GlobalMaxPooling2D"] = (() => new GlobalMaxPooling2D(), [3, 5, 4, 6], true),
        ["GlobalMaxPooling2D batch 1 odd"] = (() => new GlobalMaxPooling2D(), [1, 3, 7, 5], true),
        ["BatchNormalization training"] = (() => new BatchNormalization(momentum: 0.9), [6, 3, 3, 5], true),
        ["BatchNormalization inference"] = (() => new BatchNormalization(), [6, 3, 3, 5], false),
        ["Dropout"] = (() => new Dropout(0.4, seed: 5), [4, 33], true),
        ["SpatialDropout2D"] = (() => new SpatialDropout2D(0.5, seed: 6), [3, 4, 4, 5], true),
        ["Flatten"] = (() => new Flatten(), [3, 4, 2, 2], true),
        ["Conv2DTranspose strided same"] = (() => new Conv2DTranspose(3, 3, strides: 2, padding: "same", activation: "relu"), [2, 4, 3, 2], true),
        ["Conv2DTranspose valid"] = (() => new Conv2DTranspose(2, 2), [2, 3, 3, 3], true),
        ["ZeroPadding2D"] = (() => new ZeroPadding2D(), [2, 3, 4, 2], true),
        ["Cropping2D"] = (() => new Cropping2D(), [2, 5, 6, 2], true),
        ["ZeroPadding2D asymmetric"] = (() => new ZeroPadding2D(((1, 2), (0, 3))), [3, 2, 3, 2], true),
        ["Cropping2D asymmetric"] = (() => new Cropping2D(((1, 0), (2, 1))), [3, 4, 6, 2], true),
        ["UpSampling2D"] = (() => new UpSampling2D(), [2, 3, 2, 3], true),
        ["UpSampling2D 2x3"] = (() => new UpSampling2D((2, 3)), [2, 3, 4, 2], true),
        ["RandomFlip"] = (() => new RandomFlip(seed: 3), [4, 5, 5, 2], true),
        ["RandomRotation"] = (() => new RandomRotation(0.2, seed: 4), [3, 6, 6, 2], true),
    };

    /// <summary>The case names.</summary>
    public static TheoryData<string> Names => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public void Layer_matches_the_cpu_engine_forward_and_backward(string name)
    {
        (Func<Layer> make, int[] shape, bool training) = Cases[name];
        LayerParity.Check(DeviceCollection.Accelerator, make, Tensor.RandomUniform(shape, -2f, 2f, seed: 17), training);
    }

    [Fact]
    public void Tied_maxima_give_the_gradient_to_the_first_one_on_the_device_as_on_the_cpu()
    {
        // Channel 0 is constant (every pixel ties), channel 1 has its maximum 2 at pixels 1 and 3, channel 2 a single maximum.
        float[] values = [5, 0, -1, 5, 2, 3, 5, 1, 7, 5, 2, 1];   // [1, 2, 2, 3]: pixel-major, channels last
        Tensor x = Tensor.FromArray(values, 1, 2, 2, 3);
        Tensor g = Tensor.FromArray(new float[] { 0.5f, -2f, 3f }, 1, 3);
        float[] expected = [0.5f, 0, 0, 0, -2f, 0, 0, 0, 3f, 0, 0, 0];
        foreach (Device device in new[] { Device.Cpu, DeviceCollection.Accelerator })
        {
            Tensor input = x.To(device);
            using var tape = new GradientTape();
            tape.Watch(input);
            Tensor y = new GlobalMaxPooling2D().Apply(input);
            Tensor loss = Ops.Sum(Ops.Multiply(y, g.To(device)));
            Assert.Equal([5f, 2f, 7f], y.ToArray());
            Assert.Equal(expected, tape.Gradient(loss, [input])[0].ToArray());
        }
    }
}
