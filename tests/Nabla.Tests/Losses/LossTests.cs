using Nabla.Autodiff;
using Nabla.Losses;
using Nabla.Tests.Support;

namespace Nabla.Tests.Losses;

// Values from Keras's documentation examples, recomputed by hand in the comments.
public class LossTests
{
    private static readonly Tensor s_binaryTrue = Tensor.FromArray([0f, 1f, 0f, 0f], 2, 2);
    private static readonly Tensor s_oneHot = Tensor.FromArray([0f, 1f, 0f, 0f, 0f, 1f], 2, 3);
    private static readonly Tensor s_probs = Tensor.FromArray([0.05f, 0.95f, 0f, 0.1f, 0.8f, 0.1f], 2, 3);

    [Fact]
    public void Mean_squared_error()
    {
        // Per sample: ((1−0)² + (1−1)²)/2 = 0.5 and ((1−0)² + 0)/2 = 0.5; mean 0.5.
        Tensor pred = Tensor.FromArray([1f, 1f, 1f, 0f], 2, 2);
        Assert.Equal(0.5f, new MeanSquaredError().Call(s_binaryTrue, pred).Item(), 6);
        Assert.Equal(0.5f, Loss.Get("mse").Call(s_binaryTrue, pred).Item(), 6);
    }

    [Fact]
    public void Mean_absolute_error()
    {
        Tensor pred = Tensor.FromArray([1f, 1f, 1f, 0f], 2, 2);
        Assert.Equal(0.5f, new MeanAbsoluteError().Call(s_binaryTrue, pred).Item(), 6);
    }

    [Fact]
    public void Binary_crossentropy_from_probabilities_and_logits()
    {
        // Sample 1: −(ln 0.4 + ln 0.4)/2 = 0.916291; sample 2: −(ln 0.6 + ln 0.4)/2 = 0.713558; mean 0.814924.
        Tensor pred = Tensor.FromArray([0.6f, 0.4f, 0.4f, 0.6f], 2, 2);
        Assert.Equal(0.814924f, new BinaryCrossentropy().Call(s_binaryTrue, pred).Item(), 5);
        Tensor logits = Ops.Log(Ops.Divide(pred, Ops.Subtract(1f, pred)));
        Assert.Equal(0.814924f, new BinaryCrossentropy(fromLogits: true).Call(s_binaryTrue, logits).Item(), 5);
    }

    [Fact]
    public void Categorical_crossentropy_clips_probabilities()
    {
        // −ln 0.95 = 0.051293, −ln 0.1 = 2.302585; mean 1.176939.
        Assert.Equal(1.176939f, new CategoricalCrossentropy().Call(s_oneHot, s_probs).Item(), 5);
        // A true class with probability 0 costs −ln(1e−7) = 16.118, not infinity.
        Tensor zero = Tensor.FromArray([1f, 0f], 1, 2), certain = Tensor.FromArray([0f, 1f], 1, 2);
        Assert.Equal(16.118095f, new CategoricalCrossentropy().Call(zero, certain).Item(), 3);
    }

    [Fact]
    public void Sparse_categorical_crossentropy_matches_the_one_hot_form()
    {
        Tensor labels = Tensor.FromArray([1f, 2f], 2);
        Assert.Equal(1.176939f, new SparseCategoricalCrossentropy().Call(labels, s_probs).Item(), 5);
        Assert.Equal(1.176939f, new SparseCategoricalCrossentropy().Call(labels.Reshape(2, 1), s_probs).Item(), 5);
    }

    [Fact]
    public void Softmax_outputs_are_scored_from_their_logits_as_keras_does()
    {
        // Probabilities e^−100 underflow to 0; Keras's TensorFlow backend scores the softmax's logits instead,
        // giving the exact 100 rather than the clipped 16.1.
        Tensor logits = Tensor.FromArray([0f, 100f], 1, 2);
        Tensor probs = Ops.Softmax(logits);
        Tensor labels = Tensor.FromArray([0f], 1);
        Assert.Equal(100f, new SparseCategoricalCrossentropy().Call(labels, probs).Item(), 3);
        Assert.Equal(100f, new CategoricalCrossentropy().Call(Tensor.FromArray([1f, 0f], 1, 2), probs).Item(), 3);
        Assert.Equal(new SparseCategoricalCrossentropy(fromLogits: true).Call(labels, logits).Item(), new SparseCategoricalCrossentropy().Call(labels, probs).Item());
    }

    [Fact]
    public void Sample_weights_scale_each_sample_and_divide_by_the_batch()
    {
        Tensor pred = Tensor.FromArray([1f, 1f, 1f, 0f], 2, 2);
        // (0.5·2 + 0.5·0) / 2 = 0.5.
        Assert.Equal(0.5f, new MeanSquaredError().Call(s_binaryTrue, pred, Tensor.FromArray([2f, 0f], 2)).Item(), 6);
        Assert.Equal(1f, new MeanSquaredError(reduction: "sum").Call(s_binaryTrue, pred).Item(), 6);
        Assert.Equal([2], new MeanSquaredError(reduction: "none").Call(s_binaryTrue, pred).Shape);
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        Tensor yTrue = TestData.Uniform([3, 4], 0f, 1f, seed: 4);
        GradCheck.Assert(x => new MeanSquaredError().Call(yTrue, x[0]), [TestData.Uniform([3, 4], seed: 5)]);
        GradCheck.Assert(x => new BinaryCrossentropy().Call(yTrue, x[0]), [TestData.Uniform([3, 4], 0.1f, 0.9f, seed: 6)]);
        GradCheck.Assert(x => new CategoricalCrossentropy(fromLogits: true).Call(s_oneHot, x[0]), [TestData.Uniform([2, 3], seed: 7)]);
        GradCheck.Assert(x => new SparseCategoricalCrossentropy().Call(Tensor.FromArray([0f, 2f], 2), Ops.Softmax(x[0])), [TestData.Uniform([2, 3], seed: 8)]);
    }

    [Fact]
    public void Errors_name_the_loss_and_shapes()
    {
        AssertEx.Throws<ShapeMismatchException>(() => new MeanSquaredError().Call(Tensor.Zeros(2, 3), Tensor.Zeros(2, 4)),
            "MeanSquaredError expects targets of the predictions' shape [2, 4], but received targets of shape [2, 3].");
        AssertEx.Throws<ShapeMismatchException>(() => new SparseCategoricalCrossentropy().Call(Tensor.Zeros(3), Tensor.Zeros(2, 4)),
            "SparseCategoricalCrossentropy expects labels of shape [batch]", "[3]", "[2, 4]");
        AssertEx.Throws<ArgumentException>(() => Loss.Get("mean_sqared_error"), "Unknown loss 'mean_sqared_error'", "Did you mean 'mean_squared_error'?");
        AssertEx.Throws<ArgumentException>(() => new MeanSquaredError(reduction: "avg"), "Unknown reduction 'avg'");
    }
}
