using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using Nabla.Autodiff;
using Nabla.Kernels;
using Nabla.Optimizers;

namespace Nabla.Benchmarks;

/// <summary>
/// One optimizer update over the Fashion-MNIST MLP's parameters (784×128 + 128 + 128×10 + 10 = 101,770 floats),
/// relative to the same Adam update run on the scalar path (the baseline, measured in the same run), and the floor
/// of Adam's update on a CPU whose divider bounds it: the square root and the division alone.
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
    private float[] _numerators = [], _squares = [], _quotients = [];

    [GlobalSetup]
    public void Setup()
    {
        _variables = Shapes.Select((s, i) => new Variable(Tensor.RandomUniform(s, -0.1f, 0.1f, seed: i))).ToArray();
        _gradients = Shapes.Select((s, i) => Tensor.RandomUniform(s, -1f, 1f, seed: 10 + i)).ToArray();
        foreach (Optimizer opt in _optimizers.Values)
        {
            opt.Build(_variables);
        }

        _numerators = _gradients.SelectMany(g => g.ToArray()).ToArray();
        _squares = _numerators.Select(x => x * x).ToArray();
        _quotients = new float[_numerators.Length];
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

    /// <summary>
    /// Adam's square root and division alone, <c>m / (√v + ε)</c> for every parameter, 256 bits at a time on one
    /// thread: on CPUs whose divider runs both (Zen 2 and 3), no Adam update of these parameters can be faster than
    /// this divided by the threads.
    /// </summary>
    [Benchmark]
    public void SqrtDivideFloor()
    {
        float[] m = _numerators, v = _squares, q = _quotients;
        ref float pm = ref m[0], pv = ref v[0], pq = ref q[0];
        Vector256<float> epsilon = Vector256.Create(1e-7f);
        int i = 0;
        for (; i <= q.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            Vector256.StoreUnsafe(Vector256.LoadUnsafe(ref pm, (nuint)i) / (Vector256.Sqrt(Vector256.LoadUnsafe(ref pv, (nuint)i)) + epsilon), ref pq, (nuint)i);
        for (; i < q.Length; i++)
            q[i] = m[i] / (MathF.Sqrt(v[i]) + 1e-7f);
    }
}
