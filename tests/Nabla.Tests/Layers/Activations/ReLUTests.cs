using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Activations;

public class ReLUTests
{
    [Theory]
    [InlineData(null, 0.0, 0.0)]
    [InlineData(6.0, 0.0, 0.0)]
    [InlineData(0.8, 0.2, 0.1)]
    public void Harness(double? maxValue, double negativeSlope, double threshold) =>
        LayerTest.Run(() => new ReLU(maxValue, negativeSlope, threshold), inputShape: [2, 5], expectedOutputShape: [2, 5]);

    [Fact]
    public void Kerass_documented_example()
    {
        // keras.layers.ReLU(max_value=10, negative_slope=0.5, threshold=0)([-10, -5, 0, 5, 10]) = [-5, -2.5, 0, 5, 10].
        Tensor x = Tensor.FromArray([-10f, -5f, 0f, 5f, 10f], 1, 5);
        Assert.Equal([-5f, -2.5f, 0f, 5f, 10f], new ReLU(maxValue: 10, negativeSlope: 0.5).Apply(x).ToArray());
        Assert.Equal([0f, 0f, 0f, 5f, 6f], new ReLU(maxValue: 6).Apply(x).ToArray());
        Assert.Equal([0f, 0f, 0f, 5f, 10f], new ReLU().Apply(x).ToArray());

        // Threshold 5: x passes above 5 only; at or below it, 0.1·(x − 5).
        AssertEx.Close([-1.5f, -1f, -0.5f, 0f, 10f], new ReLU(negativeSlope: 0.1, threshold: 5).Apply(x).ToArray(), atol: 1e-6);
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        Tensor x = TestData.AwayFromZero([3, 4], 0.05f, 1f, seed: 2) * 4f;   // |x| in [0.2, 4): away from 0 and the kinks at 1.5 and 3
        float[] v = x.ToArray();
        Assert.All(v, e => Assert.True(Math.Abs(e - 1.5f) > 0.01f && Math.Abs(e - 3f) > 0.01f));
        var layer = new ReLU(maxValue: 3, negativeSlope: 0.2, threshold: 1.5);
        GradCheck.Assert(t => layer.Apply(t[0]), [x]);
    }

    [Fact]
    public void Negative_options_are_rejected_as_keras_does()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new ReLU(maxValue: -1), "ReLU: maxValue cannot be negative, but received maxValue=-1.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new ReLU(negativeSlope: -0.5), "ReLU: negativeSlope cannot be negative, but received negativeSlope=-0.5.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new ReLU(threshold: double.NaN), "ReLU: threshold cannot be negative, but received threshold=NaN.");
    }

    [Fact]
    public void Names_and_config_follow_keras()
    {
        Backend.ClearSession();
        Assert.Equal("re_lu", new ReLU().Name);
        Dictionary<string, object?> config = new ReLU(maxValue: 6, negativeSlope: 0.1).GetConfig();
        Assert.Equal(6.0, config["max_value"]);
        Assert.Equal(0.1, config["negative_slope"]);
        Assert.Equal(0.0, config["threshold"]);
        Assert.Null(new ReLU().GetConfig()["max_value"]);
    }
}
