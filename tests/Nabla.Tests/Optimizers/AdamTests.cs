using Nabla.Autodiff;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

public class AdamTests
{
    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, 0.01f)]
    [InlineData(true, 0.01f)]
    public void Three_updates_match_the_scalar_Keras_formula(bool amsgrad, float? weightDecay)
    {
        const double lr = 0.01, b1 = 0.8f, b2 = 0.95f, eps = 1e-6f;
        var opt = new Adam(learningRate: 0.01f, beta1: 0.8f, beta2: 0.95f, epsilon: 1e-6f, amsgrad: amsgrad, weightDecay: weightDecay);
        double[][] m = Trajectory.Slots(), v = Trajectory.Slots(), vHat = Trajectory.Slots();
        Trajectory.AssertMatches(opt, (t, w, g) =>
        {
            if (weightDecay is float wd)
            {
                Trajectory.Decay(w, wd, lr);
            }

            double alpha = lr * Math.Sqrt(1 - Math.Pow(b2, t)) / (1 - Math.Pow(b1, t));
            for (int k = 0; k < w.Length; k++)
            {
                for (int i = 0; i < w[k].Length; i++)
                {
                    m[k][i] += (g[k][i] - m[k][i]) * (1 - b1);
                    v[k][i] += ((g[k][i] * g[k][i]) - v[k][i]) * (1 - b2);
                    vHat[k][i] = Math.Max(vHat[k][i], v[k][i]);
                    double denominator = Math.Sqrt(amsgrad ? vHat[k][i] : v[k][i]) + eps;
                    w[k][i] -= m[k][i] * alpha / denominator;
                }
            }
        });
    }

    [Fact]
    public void Single_step_matches_keras()
    {
        // keras/src/optimizers/adam_test.py test_single_step: lr 0.5, first Adam step moves each weight by ~lr.
        var opt = new Adam(learningRate: 0.5f);
        var x = new Variable(Tensor.FromArray([1f, 2f, 3f, 4f]));
        opt.ApplyGradients([(Tensor.FromArray([1f, 6f, 7f, 2f]), x)]);
        AssertEx.Close([0.5f, 1.5f, 2.5f, 3.5f], x.Value.ToArray(), 1e-4, 1e-4);
    }

    [Fact]
    public void Amsgrad_trajectory_matches_keras_golden_values()
    {
        // keras/src/optimizers/adam_test.py test_correctness_with_golden (Adam(amsgrad=True), tolerance 5e-4 as there).
        var opt = new Adam(amsgrad: true);
        var x = new Variable(Tensor.Ones(10));
        Tensor grads = Tensor.Linspace(0.1f, 1f, 10), first = Tensor.Full([10], 0.01f);
        double[] golden = [0.999, 0.9982, 0.9974, 0.9965, 0.9955];
        opt.Apply([first], [x]);
        foreach (double expected in golden)
        {
            AssertEx.Close(Enumerable.Repeat((float)expected, 10).ToArray(), x.Value.ToArray(), 5e-4, 5e-4);
            opt.Apply([grads], [x]);
        }
    }

    [Fact]
    public void Slots_are_named_like_keras_and_interleaved_per_variable_as_keras_saves_them()
    {
        var opt = new Adam(amsgrad: true);
        var kernel = new Variable(Tensor.Zeros(2, 3), "kernel") { Path = "dense/kernel" };
        var bias = new Variable(Tensor.Zeros(3), "bias") { Path = "dense/bias" };
        opt.Build([kernel, bias]);
        Assert.Equal(
            ["adam/dense_kernel_momentum", "adam/dense_kernel_velocity", "adam/dense_bias_momentum", "adam/dense_bias_velocity",
             "adam/dense_kernel_velocity_hat", "adam/dense_bias_velocity_hat"],
            opt.Variables.Select(v => v.Path));
        Assert.Equal([2, 3], opt.Variables[0].Shape);
        Assert.All(opt.Variables, v => Assert.False(v.Trainable));
    }

    [Fact]
    public void Config_has_keras_keys()
    {
        IReadOnlyDictionary<string, object?> config = new Adam(learningRate: 0.5f, beta1: 0.5f, beta2: 0.67f, epsilon: 1e-5f, amsgrad: true).GetConfig();
        Assert.Equal("adam", config["name"]);
        Assert.Equal(0.5f, config["learning_rate"]);
        Assert.Equal(0.5f, config["beta_1"]);
        Assert.Equal(0.67f, config["beta_2"]);
        Assert.Equal(1e-5f, config["epsilon"]);
        Assert.Equal(true, config["amsgrad"]);
        Assert.Null(config["weight_decay"]);
        Assert.Null(config["clipnorm"]);
    }

    [Fact]
    public void Hyperparameters_out_of_range_are_rejected()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1f), "Adam optimizer 'adam': beta1 must be in [0, 1), but received 1.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Adam(beta2: -0.1f), "beta2 must be in [0, 1)", "received -0.1");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: -1e-7f), "epsilon must be a non-negative finite number");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate: -0.001f), "learningRate must be a non-negative finite number, but received -0.001");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate: float.NaN), "learningRate must be a non-negative finite number");
    }
}
