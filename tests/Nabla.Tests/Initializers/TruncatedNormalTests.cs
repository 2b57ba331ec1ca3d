using Nabla.Initializers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Initializers;

public class TruncatedNormalTests
{
    [Fact]
    public void Stays_within_two_standard_deviations()
    {
        // stddev is the pre-truncation σ (Keras); the values' σ is 0.8796… of it, and none lies beyond mean ± 2σ.
        Tensor w = new TruncatedNormal(mean: 1f, stddev: 2f, seed: 5).Call(400, 500);
        Stats.Check(w, 1, 2 * 0.87962566103423978, 1 - 4, 1 + 4, stdRtol: 0.015);
        Assert.True(Stats.Of(w).Max > 1 + 3.9);   // the bound is reached, not narrower
    }

    [Fact]
    public void Config_and_errors()
    {
        Assert.Equal(0.05f, new TruncatedNormal().GetConfig()["stddev"]);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new TruncatedNormal(stddev: float.NaN), "TruncatedNormal: stddev must be a non-negative finite number");
    }
}
