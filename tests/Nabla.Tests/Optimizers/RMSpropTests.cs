using Nabla.Autodiff;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

public class RMSpropTests
{
    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.5f, false)]
    [InlineData(0f, true)]
    [InlineData(0.5f, true)]
    public void Three_updates_match_the_scalar_Keras_formula(float momentum, bool centered)
    {
        const double lr = 0.01, rho = 0.8f, eps = 1e-6f;
        var opt = new RMSprop(learningRate: 0.01f, rho: 0.8f, momentum: momentum, epsilon: 1e-6f, centered: centered);
        double[][] velocity = Trajectory.Slots(), average = Trajectory.Slots(), mom = Trajectory.Slots();
        Trajectory.AssertMatches(opt, (t, w, g) =>
        {
            for (int k = 0; k < w.Length; k++)
            {
                for (int i = 0; i < w[k].Length; i++)
                {
                    velocity[k][i] = (rho * velocity[k][i]) + ((1 - rho) * g[k][i] * g[k][i]);
                    double denominator = velocity[k][i] + eps;
                    if (centered)
                    {
                        average[k][i] = (rho * average[k][i]) + ((1 - rho) * g[k][i]);
                        denominator = velocity[k][i] - (average[k][i] * average[k][i]) + eps;
                    }

                    double increment = lr * g[k][i] / Math.Sqrt(denominator);
                    if (momentum > 0)
                    {
                        mom[k][i] = (momentum * mom[k][i]) + increment;
                        increment = mom[k][i];
                    }

                    w[k][i] -= increment;
                }
            }
        }, rtol: 1e-4, atol: 2e-6);
    }

    [Fact]
    public void Single_step_matches_keras()
    {
        // keras/src/optimizers/rmsprop_test.py test_single_step: the first step moves each weight by lr/sqrt(1-rho).
        var opt = new RMSprop(learningRate: 0.5f);
        var x = new Variable(Tensor.FromArray([1f, 2f, 3f, 4f]));
        opt.Apply([Tensor.FromArray([1f, 6f, 7f, 2f])], [x]);
        AssertEx.Close([-0.5811f, 0.4189f, 1.4189f, 2.4189f], x.Value.ToArray(), 1e-4, 1e-4);
    }

    [Fact]
    public void Centered_trajectory_matches_keras_golden_values()
    {
        // keras/src/optimizers/rmsprop_test.py test_correctness_with_golden: RMSprop(centered=True).
        var opt = new RMSprop(centered: true);
        var x = new Variable(Tensor.Ones(10));
        Tensor grads = Tensor.Linspace(0.1f, 1f, 10), first = Tensor.Full([10], 0.01f);
        opt.Apply([first], [x]);
        foreach (double expected in new[] { 0.9967, 0.9933, 0.9908, 0.9885, 0.9864 })
        {
            AssertEx.Close(Enumerable.Repeat((float)expected, 10).ToArray(), x.Value.ToArray(), 5e-4, 5e-4);
            opt.Apply([grads], [x]);
        }
    }

    [Fact]
    public void Slots_follow_the_options()
    {
        var kernel = new Variable(Tensor.Zeros(2), "kernel") { Path = "dense/kernel" };
        var plain = new RMSprop();
        plain.Build([kernel]);
        Assert.Equal(["rmsprop/dense_kernel_velocity"], plain.Variables.Select(v => v.Path));
        var full = new RMSprop(momentum: 0.5f, centered: true);
        full.Build([kernel]);
        Assert.Equal(
            ["rmsprop/dense_kernel_velocity", "rmsprop/dense_kernel_momentum", "rmsprop/dense_kernel_average_gradient"],
            full.Variables.Select(v => v.Path));
        Assert.Equal(0.9f, full.GetConfig()["rho"]);
        Assert.Equal(true, full.GetConfig()["centered"]);
    }

    [Fact]
    public void Hyperparameters_out_of_range_are_rejected()
    {
        // Keras 3 rejects rho and momentum outside [0, 1] and a non-positive epsilon.
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RMSprop(rho: 1.1f), "RMSprop optimizer 'rmsprop': rho must be in [0, 1], but received 1.1.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RMSprop(momentum: -0.1f), "momentum must be in [0, 1]");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RMSprop(epsilon: 0f), "epsilon must be a positive finite number");
        _ = new RMSprop(rho: 0f, momentum: 1f);
        _ = new RMSprop(rho: 1f);
    }
}
