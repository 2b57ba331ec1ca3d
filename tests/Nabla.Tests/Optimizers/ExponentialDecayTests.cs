using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

public class ExponentialDecayTests
{
    [Fact]
    public void ExponentialDecay_is_continuous_or_staircase()
    {
        var smooth = new ExponentialDecay(0.1f, decaySteps: 1000, decayRate: 0.96f);
        Assert.Equal(0.1f, smooth.GetLearningRate(0));
        Assert.Equal((float)(0.1f * Math.Pow(0.96f, 0.5)), smooth.GetLearningRate(500));
        Assert.Equal((float)(0.1f * Math.Pow(0.96f, 2.5)), smooth.GetLearningRate(2500));
        var stairs = new ExponentialDecay(0.1f, decaySteps: 1000, decayRate: 0.5f, staircase: true);
        Assert.Equal(0.1f, stairs.GetLearningRate(999));
        Assert.Equal(0.05f, stairs.GetLearningRate(1000));
        Assert.Equal(0.025f, stairs.GetLearningRate(2999));
        Assert.Equal(1000L, stairs.GetConfig()["decay_steps"]);
        Assert.Equal(true, stairs.GetConfig()["staircase"]);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1f, 0, 0.5f), "Argument decaySteps must be > 0. Received: decaySteps=0.");
    }
}
