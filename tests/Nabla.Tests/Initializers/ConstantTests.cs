using Nabla.Initializers;

namespace Nabla.Tests.Initializers;

public class ConstantTests
{
    [Fact]
    public void Constant_zeros_and_ones_fill_the_shape()
    {
        Assert.All(new Constant(0.25f).Call(2, 3).ToArray(), v => Assert.Equal(0.25f, v));
        Assert.Equal([2, 3], new Constant(0.25f).Call(2, 3).Shape);
        Assert.All(new Zeros().Call(4).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(new Ones().Call(3, 1).ToArray(), v => Assert.Equal(1f, v));
        Assert.Equal(0f, new Constant().Value);
        Assert.Equal(new Dictionary<string, object?> { ["value"] = 0.25f }, new Constant(0.25f).GetConfig());
        Assert.Empty(new Zeros().GetConfig());
        Assert.Equal(1f, new Ones().Call().Item());   // a scalar weight
    }
}
