using Nabla.Tensors;
using Nabla.Tests.Support;

namespace Nabla.Tests.Tensors;

public class BroadcastingTests
{
    [Fact]
    public void A_result_of_rank_above_the_maximum_is_rejected_naming_the_op_and_both_ranks()
    {
        Tensor deep = Tensor.Ones(Ones(Broadcasting.MaxRank + 1)), flat = Tensor.Ones(3);
        AssertEx.Throws<ArgumentException>(() => _ = deep + flat, "Add: tensors of rank above 16 are not supported, but received ranks 17 and 1.");
        AssertEx.Throws<ArgumentException>(() => _ = flat * deep, "Multiply: tensors of rank above 16 are not supported, but received ranks 1 and 17.");
    }

    [Fact]
    public void The_maximum_rank_itself_broadcasts()
    {
        int[] shape = Ones(Broadcasting.MaxRank);
        shape[0] = 2;
        Tensor y = Tensor.Ones(shape) + Tensor.FromArray([10f, 20f, 30f], 1, 3);   // [2, 1, ..., 1] with [1, 3]
        shape[^1] = 3;
        Assert.Equal(shape, y.Shape);
        Assert.Equal([11f, 21f, 31f, 11f, 21f, 31f], y.ToArray());
    }

    private static int[] Ones(int rank) => Enumerable.Repeat(1, rank).ToArray();
}
