using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class MultiplyTests
{
    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 3, 4 })]
    [InlineData(new[] { 3, 4 }, new[] { 4 })]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 1 })]
    [InlineData(new[] { 2, 1, 4 }, new[] { 1, 5, 1 })]
    [InlineData(new[] { 5 }, new int[0])]
    public void Gradients_match_finite_differences(int[] aShape, int[] bShape)
    {
        Tensor a = TestData.Uniform(aShape, seed: 1), b = TestData.Uniform(bShape, seed: 2);
        GradCheck.Assert(x => Ops.Multiply(x[0], x[1]), [a, b]);
    }

    [Fact]
    public void Scalar_multiply_gradient_matches_finite_differences()
    {
        GradCheck.Assert(x => x[0] * -2.5f, [TestData.Uniform([4, 3])]);
    }

    [Fact]
    public void Incompatible_shapes_name_the_op_and_both_shapes()
    {
        ShapeMismatchException ex = AssertEx.Throws<ShapeMismatchException>(
            () => _ = Tensor.Ones(2, 3) * Tensor.Ones(4),
            "Multiply", "[2, 3]", "[4]", "axis -1");
        Assert.Equal("Multiply", ex.Operation);
        Assert.Equal("[4]", ex.Actual);
    }
}
