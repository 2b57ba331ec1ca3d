using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class SigmoidCrossEntropyTests
{
    [Fact]
    public void Equals_the_definition_of_binary_cross_entropy()
    {
        // The definition −z·log σ(x) − (1 − z)·log(1 − σ(x)) in double, against the stable form the op computes.
        float[] x = TestData.UniformArray(60, -6f, 6f, seed: 1), z = TestData.UniformArray(60, 0f, 1f, seed: 2);
        z[0] = 0f;
        z[1] = 1f;
        float[] loss = Ops.SigmoidCrossEntropy(Tensor.FromArray(x, 6, 10), Tensor.FromArray(z, 6, 10)).ToArray();
        var expected = new float[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            double p = 1.0 / (1.0 + Math.Exp(-x[i]));
            expected[i] = (float)((-z[i] * Math.Log(p)) - ((1 - z[i]) * Math.Log(1 - p)));
        }

        AssertEx.Close(expected, loss, atol: 1e-6, rtol: 1e-5);
    }

    [Fact]
    public void Huge_logits_give_finite_exact_losses_and_gradients()
    {
        // Confident and right: loss ≈ e^(−100) ≈ 0. Confident and wrong: loss = |x| = 100. dL/dx = σ(x) − z.
        Tensor logits = Tensor.FromArray([100f, -100f, 100f, -100f], 4);
        Tensor targets = Tensor.FromArray([1f, 0f, 0f, 1f], 4);
        (Tensor loss, Tensor[] g) = Gradients.Of(() => Ops.SigmoidCrossEntropy(logits, targets), Tensor.Ones(4), logits);
        Assert.Equal([0f, 0f, 100f, 100f], loss.ToArray());
        Assert.Equal([0f, 0f, 1f, -1f], g[0].ToArray());
    }

    [Theory]
    [InlineData(new[] { 4, 5 })]
    [InlineData(new[] { 1, 1 })]
    [InlineData(new[] { 3, 17 })]
    [InlineData(new[] { 2, 3, 4 })]
    public void Gradients_with_respect_to_logits_and_targets_match_finite_differences(int[] shape)
    {
        // dL/dx = σ(x) − z and dL/dz = −x, over every batch item (R12).
        Tensor logits = TestData.Uniform(shape, -4f, 4f, seed: shape.Sum());
        Tensor targets = TestData.Uniform(shape, 0f, 1f, seed: shape.Sum() + 1);
        GradCheck.Assert(t => Ops.SigmoidCrossEntropy(t[0], t[1]), [logits, targets]);
    }

    [Fact]
    public void Targets_of_another_shape_are_rejected_naming_both_shapes()
    {
        var ex = AssertEx.Throws<ShapeMismatchException>(() => Ops.SigmoidCrossEntropy(Tensor.Zeros(2, 3), Tensor.Zeros(2, 1)),
            "SigmoidCrossEntropy expects targets of the logits' shape [2, 3], but received [2, 1].");
        Assert.Equal("SigmoidCrossEntropy", ex.Operation);
        Assert.Equal("[2, 3]", ex.Expected);
        Assert.Equal("[2, 1]", ex.Actual);

        // Same size, other shape: still rejected (no silent reshape).
        AssertEx.Throws<ShapeMismatchException>(() => Ops.SigmoidCrossEntropy(Tensor.Zeros(6), Tensor.Zeros(2, 3)), "shape [6], but received [2, 3]");
    }
}
