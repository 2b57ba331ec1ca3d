using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class SparseTopKCategoricalAccuracyTests
{
    [Fact]
    public void Keras_docstring_example()
    {
        Tensor t = Tensor.FromArray([2f, 1]), p = Tensor.FromArray([0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0], 2, 3);
        var m = new SparseTopKCategoricalAccuracy(k: 1);
        m.UpdateState(t, p);
        Assert.Equal(0.5, m.Result(), 12);
        m.ResetState();
        m.UpdateState(t, p, Tensor.FromArray([0.7f, 0.3f]));
        Assert.Equal(0.3, m.Result(), 6);
    }

    [Fact]
    public void Labels_outside_the_classes_are_never_in_the_top_k()
    {
        var m = new SparseTopKCategoricalAccuracy(k: 3);
        m.UpdateState(Tensor.FromArray([3f, -1, 0], 3, 1), Tensor.FromArray([0.1f, 0.2f, 0.7f, 0.3f, 0.3f, 0.4f, 0.5f, 0.2f, 0.3f], 3, 3));
        Assert.Equal(1 / 3.0, m.Result(), 12);
    }

    [Fact]
    public void One_hot_labels_are_rejected_with_a_hint() =>
        AssertEx.Throws<ShapeMismatchException>(() => new SparseTopKCategoricalAccuracy().UpdateState(Tensor.Ones(2, 3), Tensor.Ones(2, 3)),
            "For one-hot labels use top_k_categorical_accuracy.");
}
