using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Reshaping;

public class UpSampling2DTests
{
    [Fact]
    public void Harness()
    {
        LayerTest.Run(() => new UpSampling2D((2, 3)), inputShape: [2, 3, 2, 4], expectedOutputShape: [2, 6, 6, 4]);
    }

    [Fact]
    public void Matches_kerass_docstring_example()
    {
        // Keras: x = arange(12) as (2, 2, 1, 3), UpSampling2D(size=(1, 2)) repeats each pixel along the columns.
        Tensor x = Tensor.FromArray(Enumerable.Range(0, 12).Select(i => (float)i).ToArray(), 2, 2, 1, 3);
        Tensor y = new UpSampling2D((1, 2)).Apply(x);
        AssertEx.Close([0f, 1f, 2f, 0f, 1f, 2f, 3f, 4f, 5f, 3f, 4f, 5f, 6f, 7f, 8f, 6f, 7f, 8f, 9f, 10f, 11f, 9f, 10f, 11f], [2, 2, 2, 3], y);
    }

    [Fact]
    public void Gradients_errors_and_config()
    {
        var layer = new UpSampling2D();
        Assert.Equal(new IntPair(2, 2), layer.Size);
        GradCheck.Assert(i => layer.Apply(i[0]), [TestData.Uniform([2, 2, 3, 2], seed: 1)]);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new UpSampling2D((0, 2)), "UpSampling2D: size must be a pair of integers > 0, but received size=(0, 2).");
        Dictionary<string, object?> config = new UpSampling2D(3).GetConfig();
        Assert.Equal("nearest", config["interpolation"]);
        Assert.Equal(new IntPair(3, 3), ((UpSampling2D)LayerRegistry.FromConfig("UpSampling2D", config)).Size);
        config["interpolation"] = "bilinear";
        AssertEx.Throws<ArgumentException>(() => LayerRegistry.FromConfig("UpSampling2D", config), "interpolation 'bilinear'");
    }
}
