using BenchmarkDotNet.Attributes;
using Nabla.Autodiff;
using Nabla.Kernels;
using Nabla.Optimizers;

namespace Nabla.Benchmarks;

/// <summary>
/// One optimizer update over the Fashion-MNIST MLP's parameters (784×128 + 128 + 128×10 + 10 = 101,770 floats),
/// relative to the same Adam update run on the scalar path (the baseline, measured in the same run).
/// </summary>
[MemoryDiagnoser]
public class OptimizerBenchmarks
{
    private static readonly int[][] Shapes = [[784, 128], [128], [128, 10], [10]];
    private readonly Dictionary<string, Optimizer> _optimizers = new()
    {
        ["adam"] = new Adam(),
        ["adam-scalar"] = new Adam(),
        ["sgd-momentum"] = new SGD(momentum: 0.9f),
        ["rmsprop"] = new RMSprop(),
    };

    private Variable[] _variables = [];
    private Tensor[] _gradients = [];

    [GlobalSetup]
    public void Setup()
    {
        _variables = Shapes.Select((s, i) => new Variable(Tensor.RandomUniform(s, -0.1f, 0.1f, seed: i))).ToArray();
        _gradients = Shapes.Select((s, i) => Tensor.RandomUniform(s, -1f, 1f, seed: 10 + i)).ToArray();
        foreach (Optimizer opt in _optimizers.Values)
        {
            opt.Build(_variables);
        }
    }

    [Benchmark(Baseline = true)]
    public void AdamScalarPath()
    {
        int saved = OptimizerSteps.MaxVectorBits;
        OptimizerSteps.MaxVectorBits = 0;
        _optimizers["adam-scalar"].Apply(_gradients.AsSpan(), _variables.AsSpan());
        OptimizerSteps.MaxVectorBits = saved;
    }

    [Benchmark]
    public void Adam() => _optimizers["adam"].Apply(_gradients.AsSpan(), _variables.AsSpan());

    [Benchmark]
    public void SgdMomentum() => _optimizers["sgd-momentum"].Apply(_gradients.AsSpan(), _variables.AsSpan());

    [Benchmark]
    public void RmsProp() => _optimizers["rmsprop"].Apply(_gradients.AsSpan(), _variables.AsSpan());
}
