using Nabla.Autodiff;
using Nabla.Kernels;
using Nabla.Kernels.Parallel;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

/// <summary>
/// Updates large enough to be split over threads (each variable's rows cut into fixed shares) give the same bits as the
/// kernel applied to each whole variable, the shares are the rows <see cref="WeightShares"/> gives each thread, and
/// custom rules that are not elementwise are never split.
/// </summary>
public class ParallelUpdateTests
{
    // Shapes chosen so that the share boundaries fall off vector widths: odd row counts and row lengths, a vector, a
    // scalar, a variable of one row (not split) and one of rank 4, as a convolution kernel.
    private static readonly int[][] Shapes = [[391, 129], [17], [], [1, 40_961], [3, 3, 7, 301], [1]];

    private static readonly int[] Sizes = [.. Shapes.Select(s => s.Aggregate(1, (a, b) => a * b))];

    [Theory]
    [InlineData(false, 0f)]
    [InlineData(true, 0f)]
    [InlineData(false, 0.004f)]
    public void Adam_split_over_threads_equals_the_whole_variable_kernel(bool amsgrad, float weightDecay)
    {
        Variable[] vars = Shapes.Select((s, i) => new Variable(TestData.Uniform(s, -1f, 1f, seed: i), $"v{i}")).ToArray();
        float[][] w = vars.Select(v => v.Value.ToArray()).ToArray();
        float[][] m = Sizes.Select(n => new float[n]).ToArray(), v = Sizes.Select(n => new float[n]).ToArray();
        float[][] h = Sizes.Select(n => new float[amsgrad ? n : 0]).ToArray();
        var adam = new Adam(learningRate: 0.01f, amsgrad: amsgrad, weightDecay: weightDecay == 0f ? null : weightDecay);
        for (int t = 1; t <= 3; t++)
        {
            Tensor[] grads = Shapes.Select((s, i) => TestData.Uniform(s, -1f, 1f, seed: (100 * t) + i)).ToArray();
            adam.Apply(grads, vars);
            float alpha = (float)(0.01 * Math.Sqrt(1.0 - Math.Pow(0.999f, t)) / (1.0 - Math.Pow(0.9f, t)));
            for (int i = 0; i < Sizes.Length; i++)
            {
                if (weightDecay != 0f)
                {
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(w[i], -(weightDecay * 0.01f), w[i], w[i]);
                }

                OptimizerSteps.Adam(w[i], grads[i].Span, m[i], v[i], h[i], 1f - 0.9f, 1f - 0.999f, alpha, 1e-7f);
                Assert.Equal(w[i], vars[i].Value.ToArray());
            }
        }
    }

    [Fact]
    public void SGD_with_momentum_split_over_threads_equals_the_whole_variable_kernel()
    {
        Variable[] vars = Shapes.Select((s, i) => new Variable(TestData.Uniform(s, -1f, 1f, seed: i), $"v{i}")).ToArray();
        float[][] w = vars.Select(v => v.Value.ToArray()).ToArray();
        float[][] m = Sizes.Select(n => new float[n]).ToArray();
        var sgd = new SGD(learningRate: 0.1f, momentum: 0.9f, nesterov: true);
        for (int t = 1; t <= 3; t++)
        {
            Tensor[] grads = Shapes.Select((s, i) => TestData.Uniform(s, -1f, 1f, seed: (100 * t) + i)).ToArray();
            sgd.Apply(grads, vars);
            for (int i = 0; i < Sizes.Length; i++)
            {
                OptimizerSteps.SgdMomentum(w[i], grads[i].Span, m[i], 0.1f, 0.9f, nesterov: true);
                Assert.Equal(w[i], vars[i].Value.ToArray());
            }
        }
    }

    [Fact]
    public void A_rule_that_is_not_elementwise_always_receives_whole_variables()
    {
        var opt = new Recorder(elementwise: false);
        Variable[] vars = Sizes.Select((n, i) => new Variable(Tensor.Zeros(n), $"v{i}")).ToArray();
        opt.Apply(Sizes.Select(n => Tensor.Ones(n)).ToArray(), vars);
        Assert.Equal(Sizes.Select((n, i) => (i, 0, n)), opt.Calls);
    }

    // Each thread's share of a variable is the rows of its first axis that WeightShares gives it, the depths that
    // the same thread multiplies in a depth-split forward product (Gemm.SplitDepth): [391, 129] is cut after row 195
    // on two threads, and a variable of one row (or a scalar) goes whole to the last part.
    [Fact]
    public void An_elementwise_rule_receives_each_variables_rows_in_the_shares_the_products_use()
    {
        var opt = new Recorder(elementwise: true);
        Variable[] vars = Shapes.Select((s, i) => new Variable(Tensor.Zeros(s), $"v{i}")).ToArray();
        opt.Apply(Shapes.Select(s => Tensor.Ones(s)).ToArray(), vars);

        int parts = ParallelRunner.MaxParallelism;
        var expected = new List<(int Slot, int Offset, int Length)>();
        for (int i = 0; i < Shapes.Length; i++)
        {
            int rows = Shapes[i].Length == 0 ? 1 : Shapes[i][0], rowSize = Sizes[i] / rows;
            for (int part = 0; part < parts; part++)
            {
                int first = WeightShares.Start(rows, part, parts) * rowSize, end = WeightShares.Start(rows, part + 1, parts) * rowSize;
                if (end > first)
                    expected.Add((i, first, end - first));
            }
        }

        Assert.Equal(expected.OrderBy(c => c), opt.Calls.OrderBy(c => c));
        if (parts == 2)
            Assert.Contains((0, 0, 195 * 129), opt.Calls);
    }

    private sealed class Recorder(bool elementwise) : Optimizer(0.1f, null, null, null, null, "recorder")
    {
        public List<(int Slot, int Offset, int Length)> Calls { get; } = [];

        protected override bool UpdatesElementwise => elementwise;

        protected override void BuildSlots(IReadOnlyList<Variable> variables)
        {
        }

        protected override void UpdateStep(Span<float> weight, ReadOnlySpan<float> gradient, int slot, int offset, float learningRate)
        {
            lock (Calls)
                Calls.Add((slot, offset, weight.Length));
        }
    }
}
