using Nabla.Tests.Support;

namespace Nabla.Tests.Tensors;

public class ShapeTests
{
    [Fact]
    public void Prints_like_a_list_and_reads_like_an_array()
    {
        Shape s = Tensor.Zeros(32, 784).Shape;
        Assert.Equal("[32, 784]", s.ToString());
        Assert.Equal("[]", Tensor.Zeros([]).Shape.ToString());
        Assert.Equal(2, s.Rank);
        Assert.Equal(784, s[^1]);
        Assert.Equal(32L * 784, s.Size);
        Assert.Equal([784], s[1..]);
        Assert.Equal("Tensor [32, 784] has shape [32, 784]", $"Tensor {s} has shape {s}");
    }

    [Fact]
    public void Converts_to_an_int_array_that_is_a_copy()
    {
        Tensor t = Tensor.Zeros(2, 3);
        int[] dims = t.Shape;
        dims[0] = 99;
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal(2, t.Dim(0));
    }

    [Fact]
    public void Compares_by_value_and_builds_from_a_collection_expression()
    {
        Shape a = [28, 28, 1], b = Tensor.Zeros(28, 28, 1).Shape;
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Tensor.Zeros(28, 28).Shape);
    }

    [Fact]
    public void Dim_counts_negative_axes_from_the_end_and_names_a_missing_axis()
    {
        Tensor t = Tensor.Zeros(4, 5, 6);
        Assert.Equal(6, t.Dim(-1));
        Assert.Equal(4, t.Dim(-3));
        AssertEx.Throws<ArgumentOutOfRangeException>(() => t.Dim(3), "Dim: axis 3 is out of range for a tensor of shape [4, 5, 6] (rank 3)");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => t.Dim(-4), "axes are in [-3, 3)");
    }

    [Fact]
    public void Data_is_readable_without_internals()
    {
        Tensor t = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        Assert.Equal([4f, 5f, 6f], t[1].AsReadOnlySpan().ToArray());
        var buffer = new float[8];
        t.CopyTo(buffer);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f, 0f, 0f], buffer);
        AssertEx.Throws<ArgumentException>(() => t.CopyTo(new float[5]), "has 6 elements, but the destination holds only 5");
    }
}
