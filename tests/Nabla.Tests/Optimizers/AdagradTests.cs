using Nabla.Autodiff;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

public class AdagradTests
{
    [Theory]
    [InlineData(0.1f, null)]
    [InlineData(0.3f, 0.02f)]
    public void Three_updates_match_the_scalar_Keras_formula(float initial, float? weightDecay)
    {
        const double lr = 0.1, eps = 1e-6f;
        var opt = new Adagrad(learningRate: 0.1f, initialAccumulatorValue: initial, epsilon: 1e-6f, weightDecay: weightDecay);
        double[][] acc = Trajectory.Slots(initial);
        Trajectory.AssertMatches(opt, (t, w, g) =>
        {
            if (weightDecay is float wd)
            {
                Trajectory.Decay(w, wd, lr);
            }

            for (int k = 0; k < w.Length; k++)
            {
                for (int i = 0; i < w[k].Length; i++)
                {
                    acc[k][i] += g[k][i] * g[k][i];
                    w[k][i] -= lr * g[k][i] / Math.Sqrt(acc[k][i] + eps);
                }
            }
        });
    }

    [Fact]
    public void Single_step_matches_keras()
    {
        // keras/src/optimizers/adagrad_test.py test_single_step.
        var opt = new Adagrad(learningRate: 0.5f);
        var x = new Variable(Tensor.FromArray([1f, 2f, 3f, 4f]));
        opt.Apply([Tensor.FromArray([1f, 6f, 7f, 2f])], [x]);
        AssertEx.Close([0.5233f, 1.5007f, 2.5005f, 3.5061f], x.Value.ToArray(), 1e-4, 1e-4);
    }

    [Fact]
    public void Trajectory_matches_keras_golden_values()
    {
        // keras/src/optimizers/adagrad_test.py test_correctness_with_golden.
        var opt = new Adagrad(learningRate: 0.2f, initialAccumulatorValue: 0.3f, epsilon: 1e-6f);
        var x = new Variable(Tensor.Ones(10));
        Tensor grads = Tensor.Linspace(0.1f, 1f, 10), first = Tensor.Full([10], 0.01f);
        float[][] golden =
        [
            [0.9963f, 0.9963f, 0.9963f, 0.9963f, 0.9963f, 0.9963f, 0.9963f, 0.9963f, 0.9963f, 0.9963f],
            [0.9604f, 0.9278f, 0.9003f, 0.8784f, 0.8615f, 0.8487f, 0.8388f, 0.8313f, 0.8255f, 0.8209f],
            [0.9251f, 0.8629f, 0.8137f, 0.7768f, 0.7497f, 0.7298f, 0.7151f, 0.704f, 0.6956f, 0.6891f],
            [0.8903f, 0.8012f, 0.7342f, 0.6862f, 0.6521f, 0.6277f, 0.6099f, 0.5967f, 0.5867f, 0.579f],
            [0.856f, 0.7422f, 0.6604f, 0.6037f, 0.5644f, 0.5367f, 0.5168f, 0.5021f, 0.491f, 0.4825f],
        ];
        opt.Apply([first], [x]);
        foreach (float[] expected in golden)
        {
            AssertEx.Close(expected, x.Value.ToArray(), 5e-4, 5e-4);
            opt.Apply([grads], [x]);
        }
    }

    [Fact]
    public void Accumulators_start_at_the_initial_value()
    {
        var opt = new Adagrad(initialAccumulatorValue: 0.25f);
        var kernel = new Variable(Tensor.Zeros(3), "kernel");
        opt.Build([kernel]);
        Variable slot = Assert.Single(opt.Variables);
        Assert.Equal("adagrad/kernel_accumulator", slot.Path);
        Assert.All(slot.Value.ToArray(), a => Assert.Equal(0.25f, a));
        Assert.Equal(0.25f, opt.GetConfig()["initial_accumulator_value"]);
    }

    [Fact]
    public void Defaults_follow_keras_and_drive_the_first_step()
    {
        var opt = new Adagrad();
        Assert.Equal("adagrad", opt.Name);
        Assert.Equal(0.001f, opt.LearningRate);
        Assert.Equal(0.1f, opt.InitialAccumulatorValue);
        Assert.Equal(1e-7f, opt.Epsilon);

        // One step from the defaults: acc = 0.1 + g², w −= 0.001·g/√(acc + 1e-7).
        float[] w0 = [1f, -2f, 0.5f], g = [0.5f, 3f, -0.01f];
        var w = new Variable(Tensor.FromArray(w0));
        opt.Apply([Tensor.FromArray(g)], [w]);
        float[] expected = [.. w0.Select((v, i) => (float)(v - (0.001 * g[i] / Math.Sqrt(0.1 + ((double)g[i] * g[i]) + 1e-7))))];
        AssertEx.Close(expected, w.Value.ToArray(), atol: 1e-7, rtol: 1e-6);
    }

    [Fact]
    public void Negative_initial_accumulator_is_rejected() =>
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Adagrad(initialAccumulatorValue: -0.1f), "Adagrad optimizer 'adagrad': initialAccumulatorValue must be a non-negative finite number");
}
