using Nabla.Data;
using Nabla.Tests.Support;
using static Nabla.Tests.Data.DatasetTesting;

namespace Nabla.Tests.Data;

public class BatchDatasetTests
{
    [Fact]
    public void Batches_stack_elements_and_keep_a_smaller_last_batch()
    {
        var batches = Range(10).Batch(4).ToList();
        Assert.Equal(3, batches.Count);
        Assert.Equal([4], batches[0].X.Shape);
        Assert.Equal([4f, 5f, 6f, 7f], batches[1].X.ToArray());
        Assert.Equal([2], batches[2].X.Shape);
        Assert.Equal([8f, 9f], batches[2].X.ToArray());
    }

    [Fact]
    public void DropRemainder_drops_the_smaller_last_batch()
    {
        var batches = Range(10).Batch(4, dropRemainder: true).ToList();
        Assert.Equal(2, batches.Count);
        Assert.All(batches, b => Assert.Equal([4], b.X.Shape));
        Assert.Empty(Range(3).Batch(4, dropRemainder: true));
        Assert.Single(Range(3).Batch(4));
    }

    [Fact]
    public void Pairs_are_batched_together_into_fresh_memory()
    {
        Tensor x = Tensor.Arange(24f).Reshape(6, 2, 2), y = Tensor.Arange(6f);
        var (images, labels) = Dataset.FromTensorSlices(x, y).Skip(1).Batch(3).First();
        Assert.Equal([3, 2, 2], images.Shape);
        Assert.Equal([3], labels.Shape);
        Assert.Equal(Enumerable.Range(4, 12).Select(i => (float)i), images.ToArray());
        Assert.Equal([1f, 2f, 3f], labels.ToArray());
        Assert.NotSame(x.Storage, images.Storage);
    }

    [Fact]
    public void Batches_of_batches_and_maps_after_batch_work()
    {
        var nested = Range(12).Batch(3).Batch(2).ToList();
        Assert.Equal(2, nested.Count);
        Assert.Equal([2, 3], nested[0].X.Shape);
        Assert.Equal([6f, 7f, 8f, 9f, 10f, 11f], nested[1].X.ToArray());

        var (xs, ys) = Pairs(4).Batch(2).Map((x, y) => (x * 2f, y)).Last();
        Assert.Equal([4f, 6f], xs.ToArray());
        Assert.Equal([20f, 30f], ys.ToArray());
    }

    [Fact]
    public void Elements_of_different_shapes_name_both_shapes_and_the_element()
    {
        Dataset ds = Range(6).Map(x => x.Item() == 4f ? Tensor.Zeros(3) : Tensor.Zeros(2)).Batch(3);
        var ex = AssertEx.Throws<ShapeMismatchException>(() => ds.ToList(),
            "Batch: all elements of a batch must have the same shape", "x of element 4 (position 1 of batch 1) has shape [3]",
            "x of element 3 has shape [2]");
        Assert.Equal("[2]", ex.Expected);
        Assert.Equal("[3]", ex.Actual);
    }
}
