using Nabla.Metrics;

namespace Nabla.Tests.Metrics;

public class MeanAbsoluteErrorTests
{
    [Fact]
    public void Keras_docstring_example()
    {
        var m = new MeanAbsoluteError();
        Tensor t = Tensor.FromArray([0f, 1, 0, 0], 2, 2), p = Tensor.FromArray([1f, 1, 0, 0], 2, 2);
        m.UpdateState(t, p);
        Assert.Equal(0.25, m.Result(), 12);
        m.ResetState();
        m.UpdateState(t, p, Tensor.FromArray([1f, 0]));
        Assert.Equal(0.5, m.Result(), 12);
        m.UpdateState(Tensor.FromArray([-2f, 2], 1, 2), Tensor.FromArray([0f, 0], 1, 2), Tensor.FromArray([2f]));   // + 2·2 over weight 2
        Assert.Equal(4.5 / 3, m.Result(), 12);
    }
}
