using Nabla.Autodiff;
using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

public class AdamWTests
{
    [Fact]
    public void Three_updates_are_decay_then_adam()
    {
        const double lr = 0.05, wd = 0.1;
        var opt = new AdamW(learningRate: 0.05f, weightDecay: 0.1f);
        double[][] m = Trajectory.Slots(), v = Trajectory.Slots();
        Trajectory.AssertMatches(opt, (t, w, g) =>
        {
            Trajectory.Decay(w, wd, lr);
            double alpha = lr * Math.Sqrt(1 - Math.Pow(0.999f, t)) / (1 - Math.Pow(0.9f, t));
            for (int k = 0; k < w.Length; k++)
            {
                for (int i = 0; i < w[k].Length; i++)
                {
                    m[k][i] += (g[k][i] - m[k][i]) * (1 - 0.9f);
                    v[k][i] += ((g[k][i] * g[k][i]) - v[k][i]) * (1 - 0.999f);
                    w[k][i] -= m[k][i] * alpha / (Math.Sqrt(v[k][i]) + 1e-7f);
                }
            }
        });
    }

    [Fact]
    public void Trajectory_matches_keras_golden_values()
    {
        // keras/src/optimizers/adamw_test.py test_correctness_with_golden: AdamW(lr=1, weight_decay=0.5, epsilon=2).
        var opt = new AdamW(learningRate: 1f, weightDecay: 0.5f, epsilon: 2f);
        var x = new Variable(Tensor.Ones(10));
        Tensor grads = Tensor.Linspace(0.1f, 1f, 10), first = Tensor.Full([10], 0.01f);
        float[][] golden =
        [
            [0.4998f, 0.4998f, 0.4998f, 0.4998f, 0.4998f, 0.4998f, 0.4998f, 0.4998f, 0.4998f, 0.4998f],
            [0.2486f, 0.2475f, 0.2463f, 0.2451f, 0.244f, 0.2428f, 0.2417f, 0.2405f, 0.2394f, 0.2382f],
            [0.1223f, 0.1198f, 0.1174f, 0.1149f, 0.1124f, 0.11f, 0.1075f, 0.1051f, 0.1027f, 0.1003f],
            [0.0586f, 0.0549f, 0.0512f, 0.0475f, 0.0439f, 0.0402f, 0.0366f, 0.033f, 0.0294f, 0.0258f],
            [0.0263f, 0.0215f, 0.0167f, 0.012f, 0.0073f, 0.0026f, -0.0021f, -0.0067f, -0.0113f, -0.0159f],
        ];
        opt.Apply([first], [x]);
        foreach (float[] expected in golden)
        {
            AssertEx.Close(expected, x.Value.ToArray(), 5e-4, 5e-4);
            opt.Apply([grads], [x]);
        }
    }

    [Fact]
    public void Single_step_matches_keras()
    {
        // keras/src/optimizers/adamw_test.py test_single_step (default weight decay 0.004).
        var opt = new AdamW(learningRate: 0.5f);
        var x = new Variable(Tensor.FromArray([1f, 2f, 3f, 4f]));
        opt.Apply([Tensor.FromArray([1f, 6f, 7f, 2f])], [x]);
        AssertEx.Close([0.4980f, 1.4960f, 2.494f, 3.492f], x.Value.ToArray(), 1e-4, 1e-4);
    }

    [Fact]
    public void Defaults_and_config_follow_keras()
    {
        var opt = new AdamW();
        Assert.Equal("adamw", opt.Name);
        Assert.Equal(0.004f, opt.WeightDecay);
        Assert.Equal(0.001f, opt.LearningRate);
        Assert.Equal(0.004f, opt.GetConfig()["weight_decay"]);
        Assert.Equal(0.9f, opt.GetConfig()["beta_1"]);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: -1f), "AdamW optimizer 'adamw': weightDecay must be a non-negative finite number");
    }
}
