using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class SliceTests
{
    [Fact]
    public void Indexing_and_ranges_view_the_first_axis()
    {
        Tensor x = Tensor.Arange(0f, 12f).Reshape(4, 3);
        Assert.Equal([3f, 4f, 5f], x[1].ToArray());
        Assert.Equal([9f, 10f, 11f], x[-1].ToArray());
        Assert.Equal([9f, 10f, 11f], x[^1].ToArray());
        Assert.Equal([2, 3], x[1..3].Shape);
        Assert.Equal([3f, 4f, 5f, 6f, 7f, 8f], x[1..3].ToArray());
        Assert.Equal([0, 3], x[2..2].Shape);
        Assert.Equal(5f, x[1][2].Item());
    }

    [Fact]
    public void Slice_and_index_gradients_match_finite_differences()
    {
        GradCheck.Assert(x => x[0][1..3] * 2f, [TestData.Uniform([4, 3])]);
        GradCheck.Assert(x => x[0][2] * 3f, [TestData.Uniform([4, 3])]);
    }

    [Fact]
    public void Out_of_range_indices_name_the_shape()
    {
        Tensor x = Tensor.Zeros(4, 3);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => _ = x[4], "index 4", "[4, 3]");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => _ = x[2..7], "[4, 3]");
        AssertEx.Throws<ArgumentException>(() => _ = Tensor.Scalar(1f)[0], "scalar");
    }
}
