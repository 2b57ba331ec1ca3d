using Nabla.Autodiff;
using Nabla.Kernels;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

/// <summary>
/// Updates large enough to be split over threads (the elements of all variables cut into fixed shares) give the
/// same bits as the kernel applied to each whole variable, and custom rules that are not elementwise are never split.
/// </summary>
public class ParallelUpdateTests
{
    // Sizes chosen so that the share boundaries fall inside variables and off vector widths.
    private static readonly int[] Sizes = [50_003, 17, 40_961, 1];

    [Theory]
    [InlineData(false, 0f)]
    [InlineData(true, 0f)]
    [InlineData(false, 0.004f)]
    public void Adam_split_over_threads_equals_the_whole_variable_kernel(bool amsgrad, float weightDecay)
    {
        Variable[] vars = Sizes.Select((n, i) => new Variable(TestData.Uniform([n], -1f, 1f, seed: i), $"v{i}")).ToArray();
        float[][] w = vars.Select(v => v.Value.ToArray()).ToArray();
        float[][] m = Sizes.Select(n => new float[n]).ToArray(), v = Sizes.Select(n => new float[n]).ToArray();
        float[][] h = Sizes.Select(n => new float[amsgrad ? n : 0]).ToArray();
        var adam = new Adam(learningRate: 0.01f, amsgrad: amsgrad, weightDecay: weightDecay == 0f ? null : weightDecay);
        for (int t = 1; t <= 3; t++)
        {
            Tensor[] grads = Sizes.Select((n, i) => TestData.Uniform([n], -1f, 1f, seed: (100 * t) + i)).ToArray();
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
        Variable[] vars = Sizes.Select((n, i) => new Variable(TestData.Uniform([n], -1f, 1f, seed: i), $"v{i}")).ToArray();
        float[][] w = vars.Select(v => v.Value.ToArray()).ToArray();
        float[][] m = Sizes.Select(n => new float[n]).ToArray();
        var sgd = new SGD(learningRate: 0.1f, momentum: 0.9f, nesterov: true);
        for (int t = 1; t <= 3; t++)
        {
            Tensor[] grads = Sizes.Select((n, i) => TestData.Uniform([n], -1f, 1f, seed: (100 * t) + i)).ToArray();
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
        var opt = new WholeVariableRecorder();
        Variable[] vars = Sizes.Select((n, i) => new Variable(Tensor.Zeros(n), $"v{i}")).ToArray();
        opt.Apply(Sizes.Select(n => Tensor.Ones(n)).ToArray(), vars);
        Assert.Equal(Sizes.Select((n, i) => (i, 0, n)), opt.Calls);
    }

    private sealed class WholeVariableRecorder() : Optimizer(0.1f, null, null, null, null, "recorder")
    {
        public List<(int Slot, int Offset, int Length)> Calls { get; } = [];

        protected override void BuildSlots(IReadOnlyList<Variable> variables)
        {
        }

        protected override void UpdateStep(Span<float> weight, ReadOnlySpan<float> gradient, int slot, int offset, float learningRate) =>
            Calls.Add((slot, offset, weight.Length));
    }
}
