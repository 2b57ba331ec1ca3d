using Nabla.Metrics;
using Nabla.Tests.Support;

namespace Nabla.Tests.Metrics;

public class TopKCategoricalAccuracyTests
{
    [Fact]
    public void Keras_docstring_example()
    {
        Tensor t = Tensor.FromArray([0f, 0, 1, 0, 1, 0], 2, 3), p = Tensor.FromArray([0.1f, 0.9f, 0.8f, 0.05f, 0.95f, 0], 2, 3);
        var m = new TopKCategoricalAccuracy(k: 1);
        m.UpdateState(t, p);
        Assert.Equal(0.5, m.Result(), 12);
        m.ResetState();
        m.UpdateState(t, p, Tensor.FromArray([0.7f, 0.3f]));
        Assert.Equal(0.3, m.Result(), 6);
        var two = new TopKCategoricalAccuracy(k: 2);
        two.UpdateState(t, p);
        Assert.Equal(1, two.Result());
        Assert.Equal(5, new TopKCategoricalAccuracy().K);
        Assert.Equal(2, two.GetConfig()["k"]);
    }

    [Fact]
    public void A_tie_at_the_boundary_counts_as_in_the_top_k()
    {
        var m = new TopKCategoricalAccuracy(k: 1);
        m.UpdateState(Tensor.FromArray([0f, 1, 0], 1, 3), Tensor.FromArray([0.4f, 0.4f, 0.2f], 1, 3));
        Assert.Equal(1, m.Result());
    }

    [Fact]
    public void K_must_be_positive() =>
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new TopKCategoricalAccuracy(k: 0), "k");
}
