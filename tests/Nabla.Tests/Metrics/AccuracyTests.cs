using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class AccuracyTests
{
    [Fact]
    public void Keras_docstring_example()
    {
        var m = new Accuracy();
        m.UpdateState(Tensor.FromArray([1f, 2, 3, 4], 4, 1), Tensor.FromArray([0f, 2, 3, 4], 4, 1));
        Assert.Equal(0.75, m.Result(), 12);
        m.ResetState();
        m.UpdateState(Tensor.FromArray([1f, 2, 3, 4], 4, 1), Tensor.FromArray([0f, 2, 3, 4], 4, 1), Tensor.FromArray([1f, 1, 0, 0]));
        Assert.Equal(0.5, m.Result(), 12);
    }

    [Fact]
    public void Rows_average_along_the_last_axis_and_batches_weigh_by_size()
    {
        var m = new Accuracy();
        m.UpdateState(Tensor.FromArray([1f, 2, 3, 4], 2, 2), Tensor.FromArray([1f, 0, 3, 4], 2, 2));   // rows 0.5, 1
        m.UpdateState(Tensor.FromArray([5f, 5], 1, 2), Tensor.FromArray([0f, 0], 1, 2));               // row 0
        Assert.Equal(1.5 / 3, m.Result(), 12);
    }

    [Fact]
    public void Two_rank_one_inputs_form_one_sample_as_in_keras()
    {
        var m = new Accuracy();
        m.UpdateState(Tensor.FromArray([1f, 2, 3, 4]), Tensor.FromArray([1f, 2, 3, 0]));   // one sample of 0.75
        m.UpdateState(Tensor.FromArray([1f, 1]), Tensor.FromArray([0f, 0]));               // one sample of 0
        Assert.Equal(0.375, m.Result(), 12);
    }

    [Fact]
    public void Different_shapes_are_rejected() =>
        AssertEx.Throws<ShapeMismatchException>(() => new Accuracy().UpdateState(Tensor.Ones(4), Tensor.Ones(4, 3)),
            "Metric 'accuracy' (Accuracy) expects y_true and y_pred of the same shape (up to a trailing axis of 1), with at least one axis, " +
            "but received y_true of shape [4] and y_pred of shape [4, 3].");
}
