using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class SoftmaxCrossEntropyTests
{
    [Fact]
    public void Known_values()
    {
        // −log softmax([1, 2, 3]) = [2.4076059, 1.4076059, 0.40760595]
        Tensor logits = Tensor.FromArray([1f, 2f, 3f, 1f, 2f, 3f], 2, 3);
        AssertEx.Close([0.40760595f, 2.4076059f], [2], Ops.SparseSoftmaxCrossEntropy(logits, Tensor.FromArray([2f, 0f], 2)), atol: 1e-6);
        Tensor targets = Tensor.FromArray([0f, 0f, 1f, 0.5f, 0.5f, 0f], 2, 3);
        AssertEx.Close([0.40760595f, 1.9076059f], [2], Ops.SoftmaxCrossEntropy(logits, targets), atol: 1e-6);
    }

    [Theory]
    [InlineData(new[] { 4, 5 })]
    [InlineData(new[] { 1, 10 })]
    [InlineData(new[] { 3, 17 })]
    [InlineData(new[] { 2, 3, 4 })]
    public void Sparse_gradients_match_finite_differences(int[] shape)
    {
        Tensor logits = TestData.Uniform(shape, -3f, 3f, seed: shape.Sum());
        Tensor labels = Labels(shape[..^1], shape[^1], seed: 1);
        GradCheck.Assert(t => Ops.SparseSoftmaxCrossEntropy(t[0], labels), [logits]);
    }

    [Theory]
    [InlineData(new[] { 4, 5 })]
    [InlineData(new[] { 3, 17 })]
    [InlineData(new[] { 2, 3, 4 })]
    public void Gradients_with_respect_to_logits_and_targets_match_finite_differences(int[] shape)
    {
        Tensor logits = TestData.Uniform(shape, -3f, 3f, seed: shape.Sum());
        Tensor targets = Ops.Softmax(TestData.Uniform(shape, seed: 3));
        GradCheck.Assert(t => Ops.SoftmaxCrossEntropy(t[0], t[1]), [logits, targets]);
    }

    [Fact]
    public void Fused_equals_minus_sum_of_targets_times_log_softmax_forward_and_backward()
    {
        Tensor logits = TestData.Uniform([6, 13], -4f, 4f, seed: 5);
        Tensor targets = TestData.Uniform([6, 13], 0f, 1f, seed: 6);   // need not sum to 1: the rule is exact for any targets
        Tensor r = TestData.Uniform([6], seed: 7);
        (Tensor fused, Tensor[] gFused) = Gradients.Of(() => Ops.SoftmaxCrossEntropy(logits, targets), r, logits, targets);
        (Tensor composed, Tensor[] gComposed) = Gradients.Of(
            () => Ops.Negate(Ops.Sum(Ops.Multiply(targets, Ops.LogSoftmax(logits)), axis: -1)), r, logits, targets);
        AssertEx.Close(composed, fused, atol: 1e-5, rtol: 1e-5);
        AssertEx.Close(gComposed[0], gFused[0], atol: 1e-5, rtol: 1e-4);
        AssertEx.Close(gComposed[1], gFused[1], atol: 1e-5, rtol: 1e-4);
    }

    [Fact]
    public void Sparse_equals_the_one_hot_form_forward_and_backward()
    {
        Tensor logits = TestData.Uniform([9, 7], -4f, 4f, seed: 8);
        Tensor labels = Labels([9], 7, seed: 9);
        Tensor r = TestData.Uniform([9], seed: 10);
        (Tensor sparse, Tensor[] gSparse) = Gradients.Of(() => Ops.SparseSoftmaxCrossEntropy(logits, labels), r, logits);
        (Tensor dense, Tensor[] gDense) = Gradients.Of(() => Ops.SoftmaxCrossEntropy(logits, OneHot(labels, 7)), r, logits);
        AssertEx.Close(dense, sparse, atol: 1e-6, rtol: 1e-6);
        AssertEx.Close(gDense[0], gSparse[0], atol: 1e-6, rtol: 1e-5);
    }

    [Fact]
    public void Gradient_is_softmax_minus_one_hot()
    {
        Tensor logits = Tensor.FromArray([1f, 2f, 3f], 1, 3);
        (_, Tensor[] g) = Gradients.Of(() => Ops.SparseSoftmaxCrossEntropy(logits, Tensor.FromArray([1f], 1)), Tensor.Ones(1), logits);
        AssertEx.Close([0.09003057f, 0.24472847f - 1f, 0.66524096f], g[0].ToArray(), atol: 1e-7);
    }

    [Fact]
    public void Huge_logits_give_finite_exact_losses_and_gradients()
    {
        Tensor logits = Tensor.FromArray([1e4f, -1e4f, 0f, 5e4f, 5e4f, -5e4f], 2, 3);
        Tensor labels = Tensor.FromArray([1f, 0f], 2);
        (Tensor loss, Tensor[] g) = Gradients.Of(() => Ops.SparseSoftmaxCrossEntropy(logits, labels), Tensor.Ones(2), logits);
        AssertEx.Close([2e4f, 0.6931472f], loss.ToArray(), atol: 1e-6, rtol: 1e-7);
        AssertEx.Close([1f, -1f, 0f, -0.5f, 0.5f, 0f], g[0].ToArray(), atol: 1e-7);

        (loss, g) = Gradients.Of(() => Ops.SoftmaxCrossEntropy(logits, OneHot(labels, 3)), Tensor.Ones(2), logits);
        AssertEx.Close([2e4f, 0.6931472f], loss.ToArray(), atol: 1e-6, rtol: 1e-7);
        Assert.All(g[0].ToArray(), v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Labels_out_of_range_or_not_integers_are_rejected_naming_the_index()
    {
        Tensor logits = Tensor.Zeros(500, 10);
        float[] ids = new float[500];
        ids[417] = 10f;
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Ops.SparseSoftmaxCrossEntropy(logits, Tensor.FromArray(ids, 500)),
            "SparseSoftmaxCrossEntropy expects integer labels in [0, 10), but received 10 at index 417.");
        ids[417] = 0f;
        ids[3] = 2.5f;
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Ops.SparseSoftmaxCrossEntropy(logits, Tensor.FromArray(ids, 500)),
            "but received 2.5 at index 3.");
        ids[3] = -1f;
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Ops.SparseSoftmaxCrossEntropy(logits, Tensor.FromArray(ids, 500)),
            "but received -1 at index 3.");
        ids[3] = float.NaN;
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Ops.SparseSoftmaxCrossEntropy(logits, Tensor.FromArray(ids, 500)),
            "but received NaN at index 3.");
    }

    [Fact]
    public void Shape_mismatches_name_both_shapes()
    {
        ShapeMismatchException ex = AssertEx.Throws<ShapeMismatchException>(
            () => Ops.SparseSoftmaxCrossEntropy(Tensor.Zeros(32, 10), Tensor.Zeros(32, 1)),
            "SparseSoftmaxCrossEntropy expects labels of shape [32] (one class id per row of logits [32, 10]), but received labels of shape [32, 1].",
            "Reshape them to [32].");
        Assert.Equal("[32]", ex.Expected);
        Assert.Equal("[32, 1]", ex.Actual);
        AssertEx.Throws<ShapeMismatchException>(() => Ops.SparseSoftmaxCrossEntropy(Tensor.Zeros(32, 10), Tensor.Zeros(16)),
            "expects labels of shape [32]", "but received labels of shape [16].");
        AssertEx.Throws<ShapeMismatchException>(() => Ops.SoftmaxCrossEntropy(Tensor.Zeros(32, 10), Tensor.Zeros(32)),
            "SoftmaxCrossEntropy expects targets of the same shape as logits [32, 10], but received targets of shape [32].",
            "For integer class ids use SparseSoftmaxCrossEntropy.");
        AssertEx.Throws<ShapeMismatchException>(() => Ops.SoftmaxCrossEntropy(Tensor.Scalar(1f), Tensor.Scalar(1f)),
            "SoftmaxCrossEntropy expects logits of shape [batch, classes], but received a scalar (shape []).");
    }

    internal static Tensor Labels(int[] shape, int classes, int seed)
    {
        var rng = new System.Random(seed);
        int n = shape.Aggregate(1, (p, d) => p * d);
        return Tensor.FromArray([.. Enumerable.Range(0, n).Select(_ => (float)rng.Next(classes))], shape);
    }

    private static Tensor OneHot(Tensor labels, int classes)
    {
        float[] ids = labels.ToArray();
        var t = new float[ids.Length * classes];
        for (int i = 0; i < ids.Length; i++)
        {
            t[(i * classes) + (int)ids[i]] = 1f;
        }

        return Tensor.FromArray(t, [.. labels.Shape, classes]);
    }
}
