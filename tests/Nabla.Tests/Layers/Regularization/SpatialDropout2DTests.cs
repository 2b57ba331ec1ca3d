using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Regularization;

public class SpatialDropout2DTests
{
    [Fact]
    public void Harness()
    {
        LayerTest.Run(() => new SpatialDropout2D(0.5, seed: 3), inputShape: [2, 3, 3, 8], expectedOutputShape: [2, 3, 3, 8], trainingDiffers: true);
    }

    [Fact]
    public void Drops_whole_channels_reproducibly_and_only_in_training()
    {
        Tensor x = Tensor.Ones(4, 5, 5, 6);
        float[] a = new SpatialDropout2D(0.5, seed: 11).Apply(x, training: true).ToArray();
        float[] b = new SpatialDropout2D(0.5, seed: 11).Apply(x, training: true).ToArray();
        Assert.Equal(a, b);
        for (int n = 0; n < 4; n++)
        {
            for (int c = 0; c < 6; c++)
            {
                float first = a[(n * 150) + c];
                Assert.True(first is 0f or 2f);
                for (int p = 1; p < 25; p++)
                {
                    Assert.Equal(first, a[(n * 150) + (p * 6) + c]);
                }
            }
        }

        Assert.Same(x, new SpatialDropout2D(0.5).Apply(x));
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        // Each GradCheck evaluation draws a new mask unless the generator restarts, so the function recreates the layer.
        Tensor x = TestData.Uniform([2, 2, 3, 4], seed: 1);
        GradCheck.Assert(i => new SpatialDropout2D(0.4, seed: 5).Apply(i[0], training: true), [x]);
    }

    [Fact]
    public void Errors_and_config()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new SpatialDropout2D(1.0), "SpatialDropout2D: rate must be in [0, 1), but received 1.");
        AssertEx.Throws<ShapeMismatchException>(() => new SpatialDropout2D(0.5).Apply(Tensor.Zeros(2, 3, 4), training: true), "expects input of rank 4");
        Dictionary<string, object?> config = new SpatialDropout2D(0.25, seed: 9).GetConfig();
        Assert.Equal((0.25f, 9, "channels_last"), ((float)config["rate"]!, (int?)config["seed"], (string?)config["data_format"]));
        var clone = (SpatialDropout2D)LayerRegistry.FromConfig("SpatialDropout2D", config);
        Assert.Equal((0.25f, (int?)9), (clone.Rate, clone.Seed));
    }
}
