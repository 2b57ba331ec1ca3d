using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class SumTests
{
    [Fact]
    public void Keras_docstring_example_and_accumulation()
    {
        // keras.metrics.Sum: [1, 3, 5, 7] -> 16; with sample_weight [1, 1, 0, 0] -> 4.
        var s = new Sum();
        s.UpdateState(Tensor.FromArray([1f, 3, 5, 7]));
        Assert.Equal(16, s.Result());
        s.ResetState();
        s.UpdateState(Tensor.FromArray([1f, 3, 5, 7]), Tensor.FromArray([1f, 1, 0, 0]));
        Assert.Equal(4, s.Result());
        s.UpdateState(Tensor.FromArray([1f, 2, 3, 4], 2, 2), Tensor.FromArray([2f, 0]));   // 2·(1 + 2)
        Assert.Equal(10, s.Result());
        Assert.Equal("sum", s.Name);
    }

    [Fact]
    public void Labels_and_predictions_are_refused() =>
        AssertEx.Throws<InvalidOperationException>(() => ((Metric)new Sum()).UpdateState(Tensor.Ones(1), Tensor.Ones(1)), "Metric 'sum' (Sum) sums values");
}
