using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Reshaping;

public class Cropping2DTests
{
    [Fact]
    public void Harness()
    {
        LayerTest.Run(() => new Cropping2D(((1, 0), (2, 1))), inputShape: [2, 4, 5, 3], expectedOutputShape: [2, 3, 2, 3]);
    }

    [Fact]
    public void Matches_kerass_docstring_shape_and_crops_the_edges()
    {
        Assert.Equal([2, 24, 20, 3], new Cropping2D(((2, 2), (4, 4))).Apply(Tensor.Zeros(2, 28, 28, 3)).Shape);
        // [[1, 2, 3], [4, 5, 6], [7, 8, 9]] cropped by 1 at the top and left: [[5, 6], [8, 9]].
        Tensor x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f], 1, 3, 3, 1);
        AssertEx.Close([5f, 6f, 8f, 9f], [1, 2, 2, 1], new Cropping2D(((1, 0), (1, 0))).Apply(x));
    }

    [Fact]
    public void Gradients_errors_and_config()
    {
        var layer = new Cropping2D((1, 2), name: "crop");
        GradCheck.Assert(i => layer.Apply(i[0]), [TestData.Uniform([2, 4, 5, 2], seed: 1)]);
        AssertEx.Throws<ShapeMismatchException>(() => layer.Apply(Tensor.Zeros(1, 2, 9, 1)),
            "Layer 'crop' (Cropping2D, cropping=((1, 1), (2, 2))) expects the cropping to be smaller than the input's height and width, but received input shape [1, 2, 9, 1] with cropping=((1, 1), (2, 2)).");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Cropping2D(((0, -1), (0, 0))), "Cropping2D: cropping cannot be negative");
        var clone = (Cropping2D)LayerRegistry.FromConfig("Cropping2D", layer.GetConfig());
        Assert.Equal(new Margins2D(1, 1, 2, 2), clone.Cropping);
    }
}
