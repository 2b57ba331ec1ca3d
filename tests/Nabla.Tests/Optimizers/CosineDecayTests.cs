using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

public class CosineDecayTests
{
    [Fact]
    public void CosineDecay_without_warmup()
    {
        var s = new CosineDecay(0.1f, decaySteps: 100, alpha: 0.2f);
        Assert.Equal(0.1f, s.GetLearningRate(0), 7);
        // half way: cosine term 0.5 -> (1 - 0.2)·0.5 + 0.2 = 0.6
        Assert.Equal(0.06f, s.GetLearningRate(50), 7);
        Assert.Equal(0.02f, s.GetLearningRate(100), 7);
        Assert.Equal(0.02f, s.GetLearningRate(5000), 7);   // held at alpha·initial after decaySteps
        double quarter = 0.1 * ((0.8 * 0.5 * (1 + Math.Cos(Math.PI * 0.25))) + 0.2);
        Assert.Equal((float)quarter, s.GetLearningRate(25), 7);
    }

    [Fact]
    public void CosineDecay_with_linear_warmup()
    {
        var s = new CosineDecay(0f, decaySteps: 1000, warmupTarget: 0.1f, warmupSteps: 100);
        Assert.Equal(0f, s.GetLearningRate(0));
        Assert.Equal(0.05f, s.GetLearningRate(50), 7);
        Assert.Equal(0.1f, s.GetLearningRate(100), 7);     // warmup done: decay starts from the target
        Assert.Equal(0.05f, s.GetLearningRate(600), 6);    // half of the decay
        Assert.Equal(0f, s.GetLearningRate(1100), 7);
        Assert.Equal(0f, s.GetLearningRate(99999), 7);
        var fromHalf = new CosineDecay(0.05f, decaySteps: 10, warmupTarget: 0.15f, warmupSteps: 4);
        Assert.Equal(0.075f, fromHalf.GetLearningRate(1), 7);   // 0.05 + (0.15 - 0.05)·1/4
        Assert.Equal(0.15f, (float)fromHalf.GetConfig()["warmup_target"]!);
    }

    [Fact]
    public void CosineDecay_validates_steps()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, decaySteps: -5), "Argument decaySteps must be > 0. Received: decaySteps=-5.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new CosineDecay(0.1f, 10, warmupSteps: -1), "warmupSteps");
    }
}
