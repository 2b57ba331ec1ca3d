using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class CategoricalAccuracyTests
{
    private static readonly Tensor Labels = Tensor.FromArray([0f, 0, 1, 0, 1, 0], 2, 3);
    private static readonly Tensor Probs = Tensor.FromArray([0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0], 2, 3);

    [Fact]
    public void Keras_docstring_example()
    {
        var m = new CategoricalAccuracy();
        m.UpdateState(Labels, Probs);
        Assert.Equal(0.5, m.Result(), 12);
        m.ResetState();
        m.UpdateState(Labels, Probs, Tensor.FromArray([0.7f, 0.3f]));
        Assert.Equal(0.3, m.Result(), 6);
    }

    [Fact]
    public void Ties_take_the_first_index_as_numpy()
    {
        // argmax([0.4, 0.4, 0.2]) = 0, so a label of class 1 is wrong.
        var m = new CategoricalAccuracy();
        m.UpdateState(Tensor.FromArray([0f, 1, 0, 1, 0, 0], 2, 3), Tensor.FromArray([0.4f, 0.4f, 0.2f, 0.4f, 0.4f, 0.2f], 2, 3));
        Assert.Equal(0.5, m.Result(), 12);
    }

    [Fact]
    public void Integer_labels_are_rejected_with_a_hint() =>
        AssertEx.Throws<ShapeMismatchException>(() => new CategoricalAccuracy().UpdateState(Tensor.Ones(2), Probs),
            "Metric 'categorical_accuracy' (CategoricalAccuracy) expects one-hot y_true of the same shape as y_pred, with a class axis, " +
            "but received y_true of shape [2] and y_pred of shape [2, 3]. For integer labels use sparse_categorical_accuracy.");
}
