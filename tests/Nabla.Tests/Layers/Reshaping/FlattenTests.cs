using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Reshaping;

public class FlattenTests
{
    [Fact]
    public void Harness() => LayerTest.Run(() => new Flatten(), inputShape: [2, 3, 4], expectedOutputShape: [2, 12]);

    [Fact]
    public void Keeps_row_major_order()
    {
        Tensor x = Tensor.Arange(0f, 12f).Reshape(2, 2, 3);
        Assert.Equal(x.ToArray(), new Flatten().Apply(x).ToArray());
    }

    [Fact]
    public void Gradients_match_finite_differences() =>
        GradCheck.Assert(i => new Flatten().Apply(i[0]), [TestData.Uniform([3, 2, 2])]);

    [Fact]
    public void Scalar_input_is_rejected_with_the_layer_name() =>
        AssertEx.Throws<ShapeMismatchException>(() => new Flatten(name: "f").Apply(Tensor.Scalar(1f)), "Layer 'f' (Flatten)", "rank at least 1");
}
