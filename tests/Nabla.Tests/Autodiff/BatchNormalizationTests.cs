using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class BatchNormalizationTests
{
    [Theory]
    [InlineData(new[] { 6, 4 }, true, true)]
    [InlineData(new[] { 2, 3, 3, 5 }, true, true)]
    [InlineData(new[] { 3, 2, 4 }, false, true)]
    [InlineData(new[] { 4, 3 }, true, false)]
    [InlineData(new[] { 2, 2, 3, 2 }, false, false)]
    public void Training_gradients_match_finite_differences(int[] shape, bool scale, bool center)
    {
        int c = shape[^1];
        Tensor x = TestData.Uniform(shape, seed: 1);
        Tensor gamma = TestData.Uniform([c], 0.5f, 1.5f, seed: 2), beta = TestData.Uniform([c], seed: 3);
        Tensor[] inputs = [x, .. scale ? new[] { gamma } : [], .. center ? new[] { beta } : []];
        GradCheck.Assert(t => Ops.BatchNormTraining(t[0], scale ? t[1] : null, center ? t[^1] : null, 1e-3f, out _, out _), inputs);
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void Inference_gradients_match_finite_differences(bool scale, bool center)
    {
        Tensor x = TestData.Uniform([2, 3, 2, 4], seed: 4);
        Tensor gamma = TestData.Uniform([4], 0.5f, 1.5f, seed: 5), beta = TestData.Uniform([4], seed: 6);
        Tensor mean = TestData.Uniform([4], seed: 7), variance = TestData.Uniform([4], 0.5f, 2f, seed: 8);
        Tensor[] inputs = [x, .. scale ? new[] { gamma } : [], .. center ? new[] { beta } : []];
        GradCheck.Assert(t => Ops.BatchNormInference(t[0], scale ? t[1] : null, center ? t[^1] : null, mean, variance, 1e-3f), inputs);
    }

    [Fact]
    public void Training_normalizes_with_the_biased_batch_variance_and_returns_the_statistics()
    {
        // One channel, values 1, 2, 3, 6: mean 3, biased variance (4 + 1 + 0 + 9)/4 = 3.5, ε = 0.5 → scale 1/2.
        // y = γ·(x − 3)/2 + β with γ = 2, β = 1: [−1, 0, 1, 4].
        // With L = Σ y·r, r = [1, 0, 0, 0]: dβ = 1, dγ = x̂[0] = −1, dx = γ·s·(r − mean(r) − x̂·mean(r·x̂))
        // = 1·([1, 0, 0, 0] − 0.25 − [−1, −0.5, 0, 1.5]·(−0.25)) = [0.5, −0.375, −0.25, 0.125].
        Tensor x = Tensor.FromArray([1f, 2f, 3f, 6f], 4, 1);
        Tensor gamma = Tensor.FromArray([2f], 1), beta = Tensor.FromArray([1f], 1);
        Tensor mean = null!, variance = null!;
        (Tensor y, Tensor[] g) = Gradients.Of(
            () => Ops.BatchNormTraining(x, gamma, beta, 0.5f, out mean, out variance), Tensor.FromArray([1f, 0f, 0f, 0f], 4, 1), x, gamma, beta);
        AssertEx.Close([-1f, 0f, 1f, 4f], [4, 1], y);
        AssertEx.Close([3f], [1], mean);
        AssertEx.Close([3.5f], [1], variance);
        AssertEx.Close([0.5f, -0.375f, -0.25f, 0.125f], [4, 1], g[0]);
        AssertEx.Close([-1f], [1], g[1]);
        AssertEx.Close([1f], [1], g[2]);
    }

    [Fact]
    public void Inference_uses_the_given_statistics()
    {
        // y = γ·(x − m)/√(v + ε) + β = 3·(x − 1)/√(3.5 + 0.5) − 1 = 1.5·(x − 1) − 1.
        Tensor x = Tensor.FromArray([1f, 3f, -1f], 3, 1);
        Tensor y = Ops.BatchNormInference(x, Tensor.FromArray([3f], 1), Tensor.FromArray([-1f], 1), Tensor.FromArray([1f], 1), Tensor.FromArray([3.5f], 1), 0.5f);
        AssertEx.Close([-1f, 2f, -4f], [3, 1], y);
    }
}
