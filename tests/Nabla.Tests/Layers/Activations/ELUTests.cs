using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Activations;

public class ELUTests
{
    [Theory]
    [InlineData(1.0)]
    [InlineData(0.5)]
    public void Harness(double alpha) => LayerTest.Run(() => new ELU(alpha), inputShape: [2, 5], expectedOutputShape: [2, 5]);

    [Fact]
    public void Hand_computed_values()
    {
        // alpha·(e^x − 1) for x < 0, x otherwise: 0.5·(e^−1 − 1) = −0.31606, 0.5·(e^−2 − 1) = −0.43233.
        Tensor y = new ELU(alpha: 0.5).Apply(Tensor.FromArray([-1f, -2f, 0f, 3f], 1, 4));
        AssertEx.Close([-0.3160603f, -0.4323324f, 0f, 3f], y.ToArray(), atol: 1e-6);
        AssertEx.Close([-0.6321206f, 2f], new ELU().Apply(Tensor.FromArray([-1f, 2f], 1, 2)).ToArray(), atol: 1e-6);
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        var layer = new ELU(alpha: 2.0);
        GradCheck.Assert(t => layer.Apply(t[0]), [TestData.AwayFromZero([3, 4], 0.05f, 1f, seed: 4)]);
    }

    [Fact]
    public void Alpha_is_kept_in_the_config_and_must_be_finite()
    {
        Assert.Equal(0.5, new ELU(0.5).GetConfig()["alpha"]);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new ELU(double.PositiveInfinity), "ELU: alpha must be a finite number, but received alpha=Infinity.");
        Backend.ClearSession();
        Assert.Equal("elu", new ELU().Name);
    }
}
