using Nabla.Optimizers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Optimizers;

public class PiecewiseConstantDecayTests
{
    [Fact]
    public void PiecewiseConstantDecay_boundaries_are_inclusive_upper_ends()
    {
        var s = new PiecewiseConstantDecay([100, 110], [1f, 0.5f, 0.1f]);
        Assert.Equal(1f, s.GetLearningRate(0));
        Assert.Equal(1f, s.GetLearningRate(100));
        Assert.Equal(0.5f, s.GetLearningRate(101));
        Assert.Equal(0.5f, s.GetLearningRate(110));
        Assert.Equal(0.1f, s.GetLearningRate(111));
        Assert.Equal(new long[] { 100, 110 }, (long[])s.GetConfig()["boundaries"]!);
    }

    [Fact]
    public void PiecewiseConstantDecay_validates_its_lists()
    {
        AssertEx.Throws<ArgumentException>(() => new PiecewiseConstantDecay([100, 200], [1f, 0.5f]),
            "The length of boundaries should be 1 less than the length of values. Received: boundaries=[100, 200] of length 2, and values=[1, 0.5] of length 2.");
        AssertEx.Throws<ArgumentException>(() => new PiecewiseConstantDecay([200, 100], [1f, 0.5f, 0.1f]),
            "strictly increasing boundaries, but boundaries[0]=200 and boundaries[1]=100");
    }
}
