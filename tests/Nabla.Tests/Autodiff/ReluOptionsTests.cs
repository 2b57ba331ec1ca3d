using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

/// <summary>Ops.Relu with Keras's options: a slope below a threshold, and a cap.</summary>
public class ReluOptionsTests
{
    [Fact]
    public void Hand_computed_values_with_each_option()
    {
        Tensor x = Tensor.FromArray([-10f, -5f, 0f, 1f, 2.5f, 5f, 10f], 7);

        // Cap 6 (relu6): [0, 0, 0, 1, 2.5, 5, 6]. Slope 0.5 and cap 10: [-5, -2.5, 0, 1, 2.5, 5, 10].
        Assert.Equal([0f, 0f, 0f, 1f, 2.5f, 5f, 6f], Ops.Relu(x, maxValue: 6f).ToArray());
        Assert.Equal([-5f, -2.5f, 0f, 1f, 2.5f, 5f, 10f], Ops.Relu(x, negativeSlope: 0.5f, maxValue: 10f).ToArray());

        // Threshold 2 with slope 0.5: 0.5·(x − 2) at or below 2, x above: [-6, -3.5, -1, -0.5, 2.5, 5, 10].
        Assert.Equal([-6f, -3.5f, -1f, -0.5f, 2.5f, 5f, 10f], Ops.Relu(x, negativeSlope: 0.5f, threshold: 2f).ToArray());

        // Without options it is max(x, 0), and with a slope only it is leaky ReLU.
        Assert.Equal(Ops.Relu(x).ToArray(), Ops.Relu(x, negativeSlope: 0f).ToArray());
        Assert.Equal(Ops.LeakyRelu(x, 0.1f).ToArray(), Ops.Relu(x, negativeSlope: 0.1f).ToArray());
    }

    [Fact]
    public void Exact_gradient_on_each_piece()
    {
        // Slope 0.25, threshold 1, cap 4: dy/dx = 0.25 at or below 1, 1 on (1, 4), 0 at or above 4.
        Tensor x = Tensor.FromArray([-2f, 0.5f, 2f, 3.9f, 4f, 7f], 6);
        (Tensor _, Tensor[] g) = Gradients.Of(() => Ops.Relu(x, 0.25f, 4f, 1f), Tensor.Ones(6), x);
        Assert.Equal([0.25f, 0.25f, 1f, 1f, 0f, 0f], g[0].ToArray());
    }

    [Theory]
    [InlineData(0f, 6f, 0f)]
    [InlineData(0.3f, 0.8f, 0.2f)]
    [InlineData(0.1f, float.NaN, 0.5f)]
    public void Gradients_match_finite_differences_away_from_the_kinks(float slope, float cap, float threshold)
    {
        float? max = float.IsNaN(cap) ? null : cap;

        // Values in (−1, −0.05] ∪ [0.05, 1) keep a distance from 0; the kinks at 0.2, 0.5 and 0.8 are avoided by the seed's draws.
        Tensor x = TestData.AwayFromZero([4, 5], 0.05f, 1f, seed: 21);
        float[] v = x.ToArray();
        Assert.All(v, e => Assert.True(Math.Abs(e - threshold) > 0.01f && (max is null || Math.Abs(e - cap) > 0.01f)));
        GradCheck.Assert(t => Ops.Relu(t[0], slope, max, threshold), [x]);
    }
}
