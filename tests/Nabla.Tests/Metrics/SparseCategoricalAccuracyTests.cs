using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class SparseCategoricalAccuracyTests
{
    private static readonly Tensor Probs = Tensor.FromArray([0.1f, 0.6f, 0.3f, 0.05f, 0.95f, 0], 2, 3);

    [Fact]
    public void Keras_docstring_example()
    {
        var m = new SparseCategoricalAccuracy();
        m.UpdateState(Tensor.FromArray([2f, 1], 2, 1), Probs);
        Assert.Equal(0.5, m.Result(), 12);
        m.ResetState();
        m.UpdateState(Tensor.FromArray([2f, 1], 2, 1), Probs, Tensor.FromArray([0.7f, 0.3f]));
        Assert.Equal(0.3, m.Result(), 6);
    }

    [Fact]
    public void Two_batches_of_different_sizes_with_weights()
    {
        // batch 1: 4 samples, correct [1, 1, 0, 1], weights [1, 2, 1, 1] -> Σwv 4, Σw 5;
        // batch 2: 2 samples, correct [0, 1], weights [3, 1] -> Σwv 1, Σw 4. Epoch value 5/9.
        var m = new SparseCategoricalAccuracy();
        Tensor p1 = Tensor.FromArray([0.9f, 0.1f, 0.2f, 0.8f, 0.7f, 0.3f, 0.4f, 0.6f], 4, 2);
        m.UpdateState(Tensor.FromArray([0f, 1, 1, 1]), p1, Tensor.FromArray([1f, 2, 1, 1]));
        m.UpdateState(Tensor.FromArray([1f, 0]), Tensor.FromArray([0.6f, 0.4f, 0.8f, 0.2f], 2, 2), Tensor.FromArray([3f, 1]));
        Assert.Equal(5 / 9.0, m.Result(), 12);
        m.ResetState();
        m.UpdateState(Tensor.FromArray([0f, 1, 1, 1]), p1);
        m.UpdateState(Tensor.FromArray([1f, 0]), Tensor.FromArray([0.6f, 0.4f, 0.8f, 0.2f], 2, 2));
        Assert.Equal(4 / 6.0, m.Result(), 12);   // unweighted: 3 + 1 correct of 6, not the mean of 0.75 and 0.5
    }

    [Fact]
    public void Sequence_labels_and_logits()
    {
        // [batch 1, time 2, classes 3] logits with labels [1, 2]: per-step values, averaged within the sample.
        var m = new SparseCategoricalAccuracy();
        m.UpdateState(Tensor.FromArray([1f, 2], 1, 2), Tensor.FromArray([-1f, 5, 2, 9, 0, -3], 1, 2, 3));   // argmaxes 1 and 0
        Assert.Equal(0.5, m.Result(), 12);
    }

    [Fact]
    public void One_hot_labels_are_rejected_with_a_hint()
    {
        AssertEx.Throws<ShapeMismatchException>(() => new SparseCategoricalAccuracy().UpdateState(Tensor.Ones(2, 3), Probs),
            "Metric 'sparse_categorical_accuracy' (SparseCategoricalAccuracy) expects y_true of shape [2] or [2, 1] (integer class ids) " +
            "for y_pred of shape [2, 3], but received y_true of shape [2, 3] and y_pred of shape [2, 3]. For one-hot labels use categorical_accuracy.");
        AssertEx.Throws<ShapeMismatchException>(() => new SparseCategoricalAccuracy().UpdateState(Tensor.Ones(3), Probs), "but received y_true of shape [3]");
        AssertEx.Throws<ShapeMismatchException>(() => new SparseCategoricalAccuracy().UpdateState(Tensor.Scalar(1f), Tensor.Scalar(1f)), "expects y_pred with a class axis");
    }
}
