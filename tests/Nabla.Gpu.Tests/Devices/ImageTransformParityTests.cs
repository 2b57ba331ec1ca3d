using Nabla.Autodiff;
using Nabla.Gpu.Tests.Support;
using Nabla.Kernels;
using Nabla.Layers;

namespace Nabla.Gpu.Tests.Devices;

/// <summary>
/// The augmentation transforms on the <c>ilgpu-cpu</c> device against the CPU engine: the affine sampling with every
/// interpolation and fill mode, forward and adjoint, the flips, and the four random layers in training (their random
/// draws happen on the host with the same generator, so both engines make the same images).
/// </summary>
[Collection(DeviceCollection.Name)]
public class ImageTransformParityTests
{
    // Interpolation and fill mode as their int codes (the enums are internal to the library).
    public static TheoryData<int, int, int[]> Modes()
    {
        var data = new TheoryData<int, int, int[]>();
        int[][] shapes = [[3, 7, 5, 2], [1, 5, 9, 3], [2, 9, 11, 1], [6, 7, 1]];   // odd sizes, batch 1, the one-channel AVX path, one image
        int s = 0;
        foreach (ImageInterpolation interpolation in Enum.GetValues<ImageInterpolation>())
        {
            foreach (ImageFillMode fill in Enum.GetValues<ImageFillMode>())
            {
                data.Add((int)interpolation, (int)fill, shapes[s++ % shapes.Length]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Affine_transform_and_its_adjoint_match_the_cpu_engine(int interpolationCode, int fillCode, int[] shape)
    {
        var (interpolation, fill) = ((ImageInterpolation)interpolationCode, (ImageFillMode)fillCode);
        int batch = shape.Length == 4 ? shape[0] : 1;
        int h = shape[^3], w = shape[^2];
        float[] transforms = Transforms(batch, h, w);
        Parity.Check(DeviceCollection.Accelerator, t => Ops.AffineTransformImages(t[0], transforms, interpolation, fill, 0.25f),
            [Tensor.RandomUniform(shape, -2f, 2f, seed: 5)], atol: 1e-5, rtol: 1e-5);
    }

    [Fact]
    public void Identity_and_whole_pixel_shifts_return_input_values_bit_for_bit()
    {
        Tensor x = Tensor.RandomUniform([2, 5, 6, 3], -2f, 2f, seed: 8);
        float[] transforms = [1, 0, 0, 0, 1, 0, 1, 0, -2, 0, 1, 1];   // identity; 2 columns left and 1 row down
        foreach (ImageInterpolation interpolation in Enum.GetValues<ImageInterpolation>())
        {
            float[] cpu = Ops.AffineTransformImages(x, transforms, interpolation, ImageFillMode.Wrap, 0f).ToArray();
            float[] dev = Ops.AffineTransformImages(x.To(DeviceCollection.Accelerator), transforms, interpolation, ImageFillMode.Wrap, 0f).ToArray();
            Assert.Equal(cpu, dev);
        }
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2, 3, 1 }, new[] { 5, 4, 7, 3 })]
    [InlineData(new[] { 3 }, new[] { 1, 6, 5, 1 })]
    [InlineData(new[] { 2 }, new[] { 5, 4, 2 })]
    public void Flip_and_its_gradient_match_the_cpu_engine_exactly(int[] flips, int[] shape)
    {
        Parity.Check(DeviceCollection.Accelerator, t => Ops.FlipImages(t[0], flips), [Tensor.RandomUniform(shape, -2f, 2f, seed: 6)], atol: 0, rtol: 0);
    }

    [Fact]
    public void A_flip_code_outside_0_to_3_is_refused_on_the_device_as_on_the_cpu()
    {
        Tensor x = Tensor.Zeros([2, 3, 3, 1]).To(DeviceCollection.Accelerator);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Ops.FlipImages(x, [0, 4]));
        Assert.Contains("the code of image 1 must be in 0..3, but is 4", e.Message);
    }

    [Fact]
    public void Too_few_transforms_are_refused_on_the_device()
    {
        Tensor x = Tensor.Zeros([2, 3, 3, 1]).To(DeviceCollection.Accelerator);
        var e = Assert.Throws<ArgumentException>(() => Ops.AffineTransformImages(x, new float[6], ImageInterpolation.Nearest, ImageFillMode.Constant, 0f));
        Assert.Contains("expects 6 transform values per image (12 in all), but received 6", e.Message);
    }

    private static readonly Dictionary<string, (Func<Layer> Make, int[] Shape)> Layers = new()
    {
        ["RandomFlip"] = (() => new RandomFlip(seed: 3), [4, 5, 7, 2]),
        ["RandomFlip batch 1"] = (() => new RandomFlip("horizontal", seed: 9), [1, 3, 5, 3]),
        ["RandomRotation nearest constant"] = (() => new RandomRotation(0.3, fillMode: "constant", interpolation: "nearest", seed: 4, fillValue: 0.5), [3, 7, 5, 2]),
        ["RandomRotation bilinear wrap"] = (() => new RandomRotation(0.25, fillMode: "wrap", seed: 5), [2, 6, 9, 1]),
        ["RandomTranslation reflect"] = (() => new RandomTranslation(0.4, 0.3, seed: 6), [3, 5, 7, 2]),
        ["RandomTranslation nearest fill"] = (() => new RandomTranslation(0.5, 0.5, fillMode: "nearest", interpolation: "nearest", seed: 7), [1, 7, 7, 3]),
        ["RandomZoom"] = (() => new RandomZoom(0.4, seed: 8), [3, 7, 6, 2]),
        ["RandomZoom constant"] = (() => new RandomZoom(-0.3, 0.2, fillMode: "constant", seed: 10, fillValue: -1), [2, 5, 5, 1]),
    };

    /// <summary>The layer case names.</summary>
    public static TheoryData<string> LayerNames => [.. Layers.Keys];

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Augmentation_layer_matches_the_cpu_engine_in_training(string name)
    {
        (Func<Layer> make, int[] shape) = Layers[name];
        LayerParity.Check(DeviceCollection.Accelerator, make, Tensor.RandomUniform(shape, -2f, 2f, seed: 17), training: true, atol: 1e-5, rtol: 1e-5);
    }

    // Per image: rotation, zoom and translation about the centre (samples fall outside, several periods away for the
    // last image), and for batches of three or more a NaN coordinate.
    private static float[] Transforms(int batch, int h, int w)
    {
        var rng = new System.Random(11);
        float[] t = new float[batch * ImageTransform.TransformLength];
        float cx = (w - 1) / 2f, cy = (h - 1) / 2f;
        for (int n = 0; n < batch; n++)
        {
            double angle = (rng.NextDouble() - 0.5) * 1.6, zoom = 0.6 + rng.NextDouble();
            double tx = (rng.NextDouble() - 0.5) * w * (n == batch - 1 ? 5 : 1), ty = (rng.NextDouble() - 0.5) * h;
            float cos = (float)(zoom * Math.Cos(angle)), sin = (float)(zoom * Math.Sin(angle));
            Span<float> p = t.AsSpan(n * ImageTransform.TransformLength, ImageTransform.TransformLength);
            (p[0], p[1], p[2]) = (cos, -sin, cx + (float)tx - ((cos * cx) - (sin * cy)));
            (p[3], p[4], p[5]) = (sin, cos, cy + (float)ty - ((sin * cx) + (cos * cy)));
        }

        if (batch >= 3)
        {
            t[ImageTransform.TransformLength + 2] = float.NaN;
        }

        return t;
    }
}
