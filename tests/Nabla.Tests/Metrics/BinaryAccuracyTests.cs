using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class BinaryAccuracyTests
{
    [Fact]
    public void Keras_docstring_example()
    {
        var m = new BinaryAccuracy();
        Tensor t = Tensor.FromArray([1f, 1, 0, 0], 4, 1), p = Tensor.FromArray([0.98f, 1, 0, 0.6f], 4, 1);
        m.UpdateState(t, p);
        Assert.Equal(0.75, m.Result(), 12);
        m.ResetState();
        m.UpdateState(t, p, Tensor.FromArray([1f, 0, 0, 1]));
        Assert.Equal(0.5, m.Result(), 12);
    }

    [Fact]
    public void Labels_without_the_trailing_axis_and_a_custom_threshold()
    {
        // y_true [3] against y_pred [3, 1]; 0.5 is not above the threshold 0.5, so it predicts 0.
        var m = new BinaryAccuracy(threshold: 0.5f);
        m.UpdateState(Tensor.FromArray([1f, 0, 0]), Tensor.FromArray([0.7f, 0.5f, 0.2f], 3, 1));
        Assert.Equal(1, m.Result());
        var strict = new BinaryAccuracy(threshold: 0.8f);
        strict.UpdateState(Tensor.FromArray([1f, 0, 0]), Tensor.FromArray([0.7f, 0.5f, 0.2f], 3, 1));
        strict.UpdateState(Tensor.FromArray([1f]), Tensor.FromArray([0.9f], 1, 1));
        Assert.Equal(3 / 4.0, strict.Result(), 12);
        Assert.Equal(0.8f, strict.GetConfig()["threshold"]);
    }

    [Fact]
    public void Threshold_must_be_inside_the_unit_interval() =>
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new BinaryAccuracy(threshold: 1f),
            "BinaryAccuracy: invalid value for threshold. Expected a value in interval (0, 1), but received threshold=1.");
}
