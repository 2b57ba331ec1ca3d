using BenchmarkDotNet.Attributes;
using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>
/// The augmentation kernels on a training batch: 32 MNIST-sized images (28 × 28 × 1) and 32 CIFAR-sized ones
/// (32 × 32 × 3), each turned by its own angle (every sample between pixels, some beyond the edge), against a plain
/// copy of the batch as the floor.
/// </summary>
[MemoryDiagnoser]
public class ImageTransformBenchmarks
{
    private const int Batch = 32;

    private float[] _x = [], _y = [], _transforms = [];
    private int[] _flips = [];

    [Params("28x28x1", "32x32x3")]
    public string Image { get; set; } = "28x28x1";

    private int Height { get; set; }

    private int Width { get; set; }

    private int Channels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        int[] dims = Image.Split('x').Select(int.Parse).ToArray();
        (Height, Width, Channels) = (dims[0], dims[1], dims[2]);
        var random = new System.Random(42);
        _x = Enumerable.Range(0, Batch * Height * Width * Channels).Select(_ => (float)random.NextDouble()).ToArray();
        _y = new float[_x.Length];
        _transforms = new float[Batch * ImageTransform.TransformLength];
        double cx = (Width - 1) / 2.0, cy = (Height - 1) / 2.0;
        for (int n = 0; n < Batch; n++)
        {
            // RandomRotation(0.1)'s matrices: up to ±36° about the centre.
            double angle = (random.NextDouble() - 0.5) * 0.2 * 2 * Math.PI, cos = Math.Cos(angle), sin = Math.Sin(angle);
            float[] t = [(float)cos, (float)-sin, (float)(cx - (cx * cos) + (cy * sin)), (float)sin, (float)cos, (float)(cy - (cx * sin) - (cy * cos))];
            t.CopyTo(_transforms, n * ImageTransform.TransformLength);
        }

        _flips = Enumerable.Range(0, Batch).Select(i => i % 4).ToArray();
    }

    [Benchmark(Baseline = true)]
    public void Copy() => _x.CopyTo(_y, 0);

    [Benchmark]
    public void Flip() => ImageTransform.Flip(_x, _flips, _y, Batch, Height, Width, Channels);

    [Benchmark]
    public void RotateNearest() =>
        ImageTransform.Affine(_x, _transforms, _y, Batch, Height, Width, Channels, ImageInterpolation.Nearest, ImageFillMode.Reflect, 0f);

    [Benchmark]
    public void RotateBilinear() =>
        ImageTransform.Affine(_x, _transforms, _y, Batch, Height, Width, Channels, ImageInterpolation.Bilinear, ImageFillMode.Reflect, 0f);

    [Benchmark]
    public void RotateBilinearBackward() =>
        ImageTransform.AffineBackward(_x, _transforms, _y, Batch, Height, Width, Channels, ImageInterpolation.Bilinear, ImageFillMode.Reflect);
}
