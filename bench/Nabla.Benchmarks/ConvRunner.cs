using Nabla.Kernels;

namespace Nabla.Benchmarks;

/// <summary>Buffers and the call of one <see cref="ConvShape"/>, shared by the BenchmarkDotNet suite and the quick table.</summary>
internal sealed class ConvRunner
{
    private readonly Conv2DGeometry _geometry;
    private readonly float[] _x, _w, _bias, _y;
    private readonly ConvolutionAlgorithm _algorithm;
    private readonly string _pass;

    public ConvRunner(ConvShape shape)
    {
        _geometry = shape.Geometry();
        var random = new System.Random(42);
        _x = BenchmarkData.Uniform(random, _geometry.InputLength);
        _w = BenchmarkData.Uniform(random, _geometry.KernelLength);
        _bias = BenchmarkData.Uniform(random, _geometry.OutputChannels);
        _y = BenchmarkData.Uniform(random, _geometry.OutputLength);
        _algorithm = Enum.Parse<ConvolutionAlgorithm>(shape.Algorithm);
        _pass = shape.Pass;
    }

    /// <summary>Runs the pass once with its algorithm forced (Auto: the library's choice).</summary>
    public void Run()
    {
        Convolution.ForcedAlgorithm = _algorithm;
        switch (_pass)
        {
            case "forward":
                Convolution.Forward(_geometry, _x, _w, _bias, _y);
                break;
            case "input gradient":
                Convolution.InputGradient(_geometry, _y, _w, _x);
                break;
            default:
                Convolution.WeightGradient(_geometry, _x, _y, _w);
                break;
        }

        Convolution.ForcedAlgorithm = ConvolutionAlgorithm.Auto;
    }
}
