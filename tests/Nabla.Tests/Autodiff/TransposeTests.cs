using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class TransposeTests
{
    [Fact]
    public void Transpose_swaps_rows_and_columns()
    {
        Tensor d = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 2, 3);
        Tensor t = d.Transpose();
        Assert.Equal([3, 2], t.Shape);
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], t.ToArray());
        AssertEx.Close(d, t.Transpose(), atol: 0, rtol: 0);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 5)]
    [InlineData(33, 2)]
    public void Gradient_matches_finite_differences(int rows, int cols)
    {
        GradCheck.Assert(x => Ops.Transpose(x[0]), [TestData.Uniform([rows, cols])]);
    }

    [Fact]
    public void Vectors_and_scalars_are_their_own_transpose()
    {
        Tensor v = Tensor.Ones(4), s = Tensor.Scalar(2f);
        Assert.Same(v, v.Transpose());
        Assert.Same(s, s.Transpose());
    }

    [Fact]
    public void Rank_above_two_is_rejected()
    {
        AssertEx.Throws<ShapeMismatchException>(() => Tensor.Zeros(2, 3, 4).Transpose(),
            "Transpose: expects a 2-D tensor (or a vector or scalar), but received shape [2, 3, 4] (rank 3).");
    }
}
