using Nabla.Initializers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Initializers;

public class RandomUniformTests
{
    [Fact]
    public void Draws_uniformly_from_the_half_open_range()
    {
        Tensor w = new RandomUniform(minval: -1f, maxval: 3f, seed: 5).Call(400, 500);
        Stats.Check(w, 1, 4 / Math.Sqrt(12), -1, 3);
        Assert.True(Stats.Of(w).Max < 3);
        Assert.Equal(-0.05f, new RandomUniform().Minval);
        Assert.Equal(0.05f, new RandomUniform().GetConfig()["maxval"]);
    }

    [Fact]
    public void Reversed_bounds_are_rejected() =>
        AssertEx.Throws<ArgumentException>(() => new RandomUniform(minval: 1f, maxval: 0f), "RandomUniform expects finite bounds with minval <= maxval, but received minval=1, maxval=0.");
}
