using Nabla.Metrics;

namespace Nabla.Tests.Metrics;

public class RootMeanSquaredErrorTests
{
    [Fact]
    public void Keras_docstring_example()
    {
        var m = new RootMeanSquaredError();
        Tensor t = Tensor.FromArray([0f, 1, 0, 0], 2, 2), p = Tensor.FromArray([1f, 1, 0, 0], 2, 2);
        m.UpdateState(t, p);
        Assert.Equal(0.5, m.Result(), 12);
        m.ResetState();
        m.UpdateState(t, p, Tensor.FromArray([1f, 0]));
        Assert.Equal(0.70710677, m.Result(), 7);
    }

    [Fact]
    public void The_root_is_taken_of_the_epoch_mean_not_per_batch()
    {
        // squared errors: batch 1 [4, 0] (2 samples), batch 2 [9] (1 sample): √(13/3), not the mean of √2 and 3.
        var m = new RootMeanSquaredError();
        m.UpdateState(Tensor.FromArray([2f, 0]), Tensor.FromArray([0f, 0]));
        m.UpdateState(Tensor.FromArray([3f]), Tensor.FromArray([0f]));
        Assert.Equal(Math.Sqrt(13 / 3.0), m.Result(), 12);
    }
}
