using Nabla.Autodiff;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

public class SGDTests
{
    [Theory]
    [InlineData(0f, false, null)]
    [InlineData(0.9f, false, null)]
    [InlineData(0.9f, true, null)]
    [InlineData(0.5f, true, 0.05f)]
    public void Three_updates_match_the_scalar_Keras_formula(float momentum, bool nesterov, float? weightDecay)
    {
        const double lr = 0.1;
        var opt = new SGD(learningRate: 0.1f, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay);
        double[][] velocity = Trajectory.Slots();
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
                    if (momentum == 0f)
                    {
                        w[k][i] -= lr * g[k][i];
                        continue;
                    }

                    velocity[k][i] = (momentum * velocity[k][i]) - (lr * g[k][i]);
                    w[k][i] += nesterov ? (momentum * velocity[k][i]) - (lr * g[k][i]) : velocity[k][i];
                }
            }
        });
    }

    [Fact]
    public void Single_step_matches_keras()
    {
        // keras/src/optimizers/sgd_test.py test_single_step.
        var opt = new SGD(learningRate: 0.5f);
        var x = new Variable(Tensor.FromArray([1f, 2f, 3f, 4f]));
        opt.Apply([Tensor.FromArray([1f, 6f, 7f, 2f])], [x]);
        AssertEx.Close([0.5f, -1f, -0.5f, 3f], x.Value.ToArray(), 1e-4, 1e-4);
        Assert.Empty(opt.Variables);   // no momentum slots when momentum is 0
        Assert.Equal(1, opt.Iterations);
    }

    [Fact]
    public void Nesterov_trajectory_matches_keras_golden_values()
    {
        // keras/src/optimizers/sgd_test.py test_correctness_with_golden: SGD(nesterov=True) with momentum 0.
        var opt = new SGD(nesterov: true);
        var x = new Variable(Tensor.Ones(10));
        Tensor grads = Tensor.Linspace(0.1f, 1f, 10), first = Tensor.Full([10], 0.01f);
        opt.Apply([first], [x]);
        for (int step = 0; step < 5; step++)
        {
            // golden[step][j] = 0.9999 - 0.001·(j+1)·step
            float[] expected = Enumerable.Range(1, 10).Select(j => (float)(0.9999 - (0.001 * j * step))).ToArray();
            AssertEx.Close(expected, x.Value.ToArray(), 5e-4, 5e-4);
            opt.Apply([grads], [x]);
        }
    }

    [Fact]
    public void Momentum_slots_and_config()
    {
        var opt = new SGD(momentum: 0.9f, nesterov: true);
        var kernel = new Variable(Tensor.Zeros(2), "kernel") { Path = "dense/kernel" };
        opt.Build([kernel]);
        Assert.Equal("SGD/dense_kernel_momentum", Assert.Single(opt.Variables).Path);
        IReadOnlyDictionary<string, object?> config = opt.GetConfig();
        Assert.Equal("SGD", config["name"]);
        Assert.Equal(0.01f, config["learning_rate"]);
        Assert.Equal(0.9f, config["momentum"]);
        Assert.Equal(true, config["nesterov"]);
    }

    [Fact]
    public void Momentum_out_of_range_is_rejected() =>
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new SGD(momentum: 1.5f), "SGD optimizer 'SGD': momentum must be in [0, 1], but received 1.5.");
}
