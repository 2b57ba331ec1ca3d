using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class MeanSquaredErrorTests
{
    [Fact]
    public void Keras_docstring_example_and_two_batches()
    {
        var m = new MeanSquaredError();
        m.UpdateState(Tensor.FromArray([0f, 1, 0, 0], 2, 2), Tensor.FromArray([1f, 1, 0, 0], 2, 2));
        Assert.Equal(0.25, m.Result(), 12);
        // A second batch of 1 sample with squared error mean ((2)² + 0)/2 = 2: (0.5 + 0 + 2) / 3.
        m.UpdateState(Tensor.FromArray([3f, 1], 1, 2), Tensor.FromArray([1f, 1], 1, 2));
        Assert.Equal(2.5 / 3, m.Result(), 12);
    }

    [Fact]
    public void Regression_targets_without_the_trailing_axis()
    {
        // y [3] against predictions [3, 1], as for a Dense(1) regression model.
        var m = new MeanSquaredError("mse");
        m.UpdateState(Tensor.FromArray([1f, 2, 3]), Tensor.FromArray([1f, 2, 5], 3, 1), Tensor.FromArray([1f, 1, 0.5f]));
        Assert.Equal(2 / 2.5, m.Result(), 12);
        Assert.Equal("mse", m.Name);
    }

    [Fact]
    public void Different_shapes_are_rejected() =>
        AssertEx.Throws<ShapeMismatchException>(() => new MeanSquaredError().UpdateState(Tensor.Ones(3, 2), Tensor.Ones(3, 4)),
            "Metric 'mean_squared_error' (MeanSquaredError) expects y_true and y_pred of the same shape");
}
