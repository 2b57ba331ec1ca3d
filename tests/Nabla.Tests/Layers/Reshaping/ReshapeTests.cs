using Nabla.Tests.Support;
using ReshapeLayer = Nabla.Layers.Reshape;

namespace Nabla.Tests.Layers.Reshaping;

public class ReshapeTests
{
    [Fact]
    public void Harness() => LayerTest.Run(() => new ReshapeLayer([2, -1]), inputShape: [3, 6], expectedOutputShape: [3, 2, 3]);

    [Fact]
    public void Reshapes_each_sample()
    {
        Tensor y = new ReshapeLayer([7, 7, 16]).Apply(Tensor.Zeros(2, 784));
        Assert.Equal([2, 7, 7, 16], y.Shape);
    }

    [Fact]
    public void Gradients_match_finite_differences() =>
        GradCheck.Assert(i => new ReshapeLayer([3, 2]).Apply(i[0]), [TestData.Uniform([2, 6])]);

    [Fact]
    public void Incompatible_sizes_name_the_layer()
    {
        AssertEx.Throws<ShapeMismatchException>(() => new ReshapeLayer([5], name: "r").Apply(Tensor.Zeros(2, 6)), "Layer 'r' (Reshape", "[2, 6]");
        AssertEx.Throws<ArgumentException>(() => new ReshapeLayer([-1, -1]), "at most one -1");
    }
}
