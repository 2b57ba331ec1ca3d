using Nabla.Initializers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Initializers;

public class RandomNormalTests
{
    [Fact]
    public void Draws_from_the_requested_normal()
    {
        Tensor w = new RandomNormal(mean: 1f, stddev: 2f, seed: 5).Call(400, 500);
        Stats.Check(w, 1, 2, 1 - (12 * 2), 1 + (12 * 2));
        Assert.True(Stats.Of(w).Max > 1 + (4 * 2));   // untruncated: 4σ draws happen among 200k
    }

    [Fact]
    public void Defaults_and_config_follow_keras()
    {
        var init = new RandomNormal(seed: 3);
        Assert.Equal(0f, init.Mean);
        Assert.Equal(0.05f, init.Stddev);
        Assert.Equal(new Dictionary<string, object?> { ["seed"] = 3, ["mean"] = 0f, ["stddev"] = 0.05f }, init.GetConfig());
    }

    [Fact]
    public void Negative_stddev_is_rejected() =>
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new RandomNormal(stddev: -1f), "RandomNormal: stddev must be a non-negative finite number, but received -1.");
}
