using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Activations;

public class LeakyReLUTests
{
    [Fact]
    public void Harness() => LayerTest.Run(() => new LeakyReLU(), inputShape: [2, 3, 4], expectedOutputShape: [2, 3, 4]);

    [Fact]
    public void Default_slope_is_kerass_0_3_and_the_documented_example_holds()
    {
        Assert.Equal(0.3, new LeakyReLU().NegativeSlope);
        Tensor x = Tensor.FromArray([-10f, -5f, 0f, 5f, 10f], 1, 5);
        Assert.Equal([-5f, -2.5f, 0f, 5f, 10f], new LeakyReLU(negativeSlope: 0.5).Apply(x).ToArray());
        AssertEx.Close([-3f, -1.5f, 0f, 5f, 10f], new LeakyReLU().Apply(x).ToArray(), atol: 1e-6);
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var layer = new LeakyReLU(negativeSlope: 0.1);
        GradCheck.Assert(t => layer.Apply(t[0]), [TestData.AwayFromZero([3, 4], 0.05f, 1f, seed: 3)]);
    }

    [Fact]
    public void A_negative_slope_is_rejected_and_the_name_follows_keras()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new LeakyReLU(-0.1), "LeakyReLU: negativeSlope cannot be negative, but received negativeSlope=-0.1.");
        Backend.ClearSession();
        Assert.Equal("leaky_re_lu", new LeakyReLU().Name);
        Assert.Equal(0.3, new LeakyReLU().GetConfig()["negative_slope"]);
    }
}
