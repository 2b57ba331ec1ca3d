using Nabla.Tests.Support;

namespace Nabla.Tests.Tensors;

public class TensorTests
{
    [Fact]
    public void Item_reads_the_single_element_of_any_rank()
    {
        Assert.Equal(3f, Tensor.Scalar(3f).Item());
        Assert.Equal(4f, Tensor.Full([1, 1, 1], 4f).Item());
    }

    [Fact]
    public void Item_on_a_tensor_with_several_elements_says_how_to_reduce_it()
    {
        AssertEx.Throws<InvalidOperationException>(() => Tensor.Zeros(2, 3).Item(),
            "Item() needs a tensor with exactly one element, but this tensor has shape [2, 3] (6 elements)", "t.Sum()");
        AssertEx.Throws<InvalidOperationException>(() => Tensor.Zeros(0).Item(), "shape [0] (0 elements)");
    }

    [Fact]
    public void Shape_is_a_copy()
    {
        Tensor t = Tensor.Zeros(2, 3);
        int[] shape = t.Shape;
        shape[0] = 7;
        Assert.Equal([2, 3], t.Shape);
        Assert.Equal(2, t.Rank);
        Assert.Equal(6, t.Size);
    }
}
