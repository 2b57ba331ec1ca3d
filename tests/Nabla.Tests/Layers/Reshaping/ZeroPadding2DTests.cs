using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Reshaping;

public class ZeroPadding2DTests
{
    [Fact]
    public void Harness()
    {
        LayerTest.Run(() => new ZeroPadding2D(((1, 2), (0, 3))), inputShape: [2, 3, 4, 2], expectedOutputShape: [2, 6, 7, 2]);
    }

    [Fact]
    public void Matches_kerass_docstring_example()
    {
        // Keras: x = arange(4) as (1, 1, 2, 2), ZeroPadding2D(padding=1) → (1, 3, 4, 2) with [[0, 1], [2, 3]] in the middle row.
        Tensor y = new ZeroPadding2D(1).Apply(Tensor.FromArray([0f, 1f, 2f, 3f], 1, 1, 2, 2));
        AssertEx.Close([0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 1f, 2f, 3f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f], [1, 3, 4, 2], y);
    }

    [Fact]
    public void Forms_of_the_argument_gradients_errors_and_config()
    {
        Assert.Equal(new Margins2D(1, 1, 1, 1), new ZeroPadding2D().Padding);
        Assert.Equal(new Margins2D(2, 2, 3, 3), new ZeroPadding2D((2, 3)).Padding);
        Assert.Equal([-1, 5, -1, 3], new ZeroPadding2D((1, 2)).ComputeOutputShape([-1, 3, -1, 3]));
        var layer = new ZeroPadding2D(((2, 0), (1, 1)));
        GradCheck.Assert(i => layer.Apply(i[0]), [TestData.Uniform([2, 3, 2, 2], seed: 1)]);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new ZeroPadding2D(-1), "ZeroPadding2D: padding cannot be negative, but received padding=((-1, -1), (-1, -1)).");
        Dictionary<string, object?> config = layer.GetConfig();
        Assert.Equal([[2, 0], [1, 1]], (int[][])config["padding"]!);
        Assert.Equal(layer.Padding, ((ZeroPadding2D)LayerRegistry.FromConfig("ZeroPadding2D", config)).Padding);
    }
}
