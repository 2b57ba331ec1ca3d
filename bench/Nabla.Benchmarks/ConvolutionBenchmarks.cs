using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace Nabla.Benchmarks;

/// <summary>The W5 CNN's convolutions (<see cref="ConvShape.W5"/>) on all cores: forward, input and weight gradients, im2col against the direct first layer.</summary>
[Config(typeof(Config))]
public class ConvolutionBenchmarks
{
    private ConvRunner? _runner;

    [ParamsSource(nameof(Shapes))]
    public ConvShape Shape { get; set; } = ConvShape.W5[0];

    public static IEnumerable<ConvShape> Shapes => ConvShape.W5;

    [GlobalSetup]
    public void Setup() => _runner = new ConvRunner(Shape);

    [Benchmark]
    public void Convolve() => _runner!.Run();

    private static double Flops(BenchmarkCase benchmarkCase) => ((ConvShape)benchmarkCase.Parameters[nameof(Shape)]).Flops;

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithWarmupCount(4).WithIterationCount(15));
            AddColumn(new GflopsColumn(Flops, best: false), new GflopsColumn(Flops, best: true), new PeakShareColumn(Flops));
        }
    }
}
