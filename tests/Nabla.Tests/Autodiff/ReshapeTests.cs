using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class ReshapeTests
{
    [Fact]
    public void Reshape_infers_one_dimension_and_shares_storage()
    {
        Tensor x = Tensor.Arange(0f, 12f);
        Tensor y = x.Reshape(-1, 4);
        Assert.Equal([3, 4], y.Shape);
        Assert.Equal(x.ToArray(), y.ToArray());
        Assert.Same(x.Storage, y.Storage);
    }

    [Fact]
    public void Reshape_gradient_matches_finite_differences()
    {
        GradCheck.Assert(x => x[0].Reshape(3, -1) * TestData.Uniform([3, 4], seed: 9), [TestData.Uniform([2, 6])]);
    }

    [Theory]
    [InlineData(new[] { 5 }, "holds 5 elements but the tensor has 12")]
    [InlineData(new[] { -1, -1 }, "only one dimension may be -1")]
    [InlineData(new[] { 5, -1 }, "cannot be split evenly")]
    [InlineData(new[] { -2, 6 }, "must be non-negative or -1")]
    public void Bad_shapes_are_rejected_with_the_reason(int[] shape, string why)
    {
        AssertEx.Throws<ShapeMismatchException>(() => Tensor.Zeros(3, 4).Reshape(shape), "Reshape", "[3, 4]", why);
    }
}
