using Nabla.Tests.Support;

namespace Nabla.Tests;

public class UtilsTests
{
    [Fact]
    public void ToCategorical_makes_one_hot_rows_in_label_order()
    {
        Tensor y = Tensor.FromArray(new float[] { 0, 2, 1, 2 }, 4);
        Tensor oneHot = Utils.ToCategorical(y, numClasses: 3);
        Assert.Equal([4, 3], oneHot.Shape);
        Assert.Equal(new float[] { 1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1 }, oneHot.ToArray());
    }

    [Fact]
    public void ToCategorical_infers_the_number_of_classes_as_the_largest_label_plus_one()
    {
        // Keras: to_categorical([1, 3]) has 4 columns.
        Tensor oneHot = Utils.ToCategorical(Tensor.FromArray(new float[] { 1, 3 }, 2));
        Assert.Equal([2, 4], oneHot.Shape);
        Assert.Equal(new float[] { 0, 1, 0, 0, 0, 0, 0, 1 }, oneHot.ToArray());
    }

    [Fact]
    public void ToCategorical_keeps_more_classes_than_the_labels_use()
    {
        Tensor oneHot = Utils.ToCategorical(Tensor.FromArray(new float[] { 1 }, 1), numClasses: 10);
        Assert.Equal([1, 10], oneHot.Shape);
        Assert.Equal(1f, oneHot.ToArray()[1]);
        Assert.Equal(1f, oneHot.Sum().Item());
    }

    [Fact]
    public void ToCategorical_replaces_a_trailing_axis_of_length_one_and_keeps_other_ranks()
    {
        Assert.Equal([3, 5], Utils.ToCategorical(Tensor.FromArray(new float[] { 4, 0, 1 }, 3, 1), 5).Shape);
        Tensor grid = Utils.ToCategorical(Tensor.FromArray(new float[] { 0, 1, 1, 0 }, 2, 2), 2);
        Assert.Equal([2, 2, 2], grid.Shape);
        Assert.Equal(new float[] { 1, 0, 0, 1, 0, 1, 1, 0 }, grid.ToArray());
        Assert.Equal([3], Utils.ToCategorical(Tensor.Scalar(2f), 3).Shape);
        Assert.Equal([0, 4], Utils.ToCategorical(Tensor.Zeros(0), 4).Shape);
    }

    [Fact]
    public void ToCategorical_does_not_change_its_input()
    {
        Tensor y = Tensor.FromArray(new float[] { 2, 0 }, 2);
        Utils.ToCategorical(y, 3);
        Assert.Equal(new float[] { 2, 0 }, y.ToArray());
    }

    [Fact]
    public void ToCategorical_rejects_labels_that_are_not_class_indices()
    {
        AssertEx.Throws<ArgumentException>(() => Utils.ToCategorical(Tensor.FromArray(new float[] { 0, 1.5f }, 2), 3),
            "ToCategorical expects integer class labels", "received 1.5 at index 1", "shape [2]");
        AssertEx.Throws<ArgumentException>(() => Utils.ToCategorical(Tensor.FromArray(new float[] { 0, 1, -1 }, 3)),
            "received -1 at index 2");
        AssertEx.Throws<ArgumentException>(() => Utils.ToCategorical(Tensor.FromArray(new float[] { 0, 1, float.NaN, 1 }, 2, 2)),
            "received NaN at index [1, 0] of y with shape [2, 2]");
        AssertEx.Throws<ArgumentException>(() => Utils.ToCategorical(Tensor.FromArray(new float[] { float.PositiveInfinity }, 1)),
            "received an infinite value at index 0");
    }

    [Fact]
    public void ToCategorical_rejects_labels_beyond_numClasses_and_says_how_many_are_needed()
    {
        AssertEx.Throws<ArgumentException>(() => Utils.ToCategorical(Tensor.FromArray(new float[] { 0, 9, 10, 12 }, 4), numClasses: 10),
            "ToCategorical expects integer labels in [0, 10), but received 10 at index 2", "Pass numClasses: 13 or more");
    }

    [Fact]
    public void ToCategorical_rejects_a_non_positive_numClasses_and_an_empty_tensor_without_one()
    {
        var ex = AssertEx.Throws<ArgumentOutOfRangeException>(() => Utils.ToCategorical(Tensor.Zeros(2), 0),
            "numClasses must be a positive number of classes, but received 0");
        Assert.Equal("numClasses", ex.ParamName);
        AssertEx.Throws<ArgumentException>(() => Utils.ToCategorical(Tensor.Zeros(0)),
            "cannot infer the number of classes from y with shape [0], which holds no labels. Pass numClasses.");
        Assert.Throws<ArgumentNullException>(() => Utils.ToCategorical(null!));
    }

    [Fact]
    public void ToCategorical_refuses_a_result_too_large_for_a_tensor()
    {
        AssertEx.Throws<ArgumentException>(() => Utils.ToCategorical(Tensor.FromArray(new float[] { 0, 1, 2, 2e9f }, 4)),
            "would make a one-hot tensor of 8,000,000,004 elements");
    }

    [Fact]
    public void Normalize_scales_each_row_to_unit_euclidean_norm()
    {
        // Rows (3, 4, 0) and (1, 2, -2): norms 5 and 3; a zero row stays zero (Keras counts its norm as 1).
        Tensor x = Tensor.FromArray(new float[] { 3, 4, 0, 1, 2, -2, 0, 0, 0 }, 3, 3);
        Tensor n = Utils.Normalize(x);
        AssertEx.Close(new float[] { 0.6f, 0.8f, 0, 1f / 3, 2f / 3, -2f / 3, 0, 0, 0 }, n.ToArray(), atol: 1e-7);
        Assert.Equal([3, 3], n.Shape);
    }

    [Fact]
    public void Normalize_along_the_first_axis_and_with_order_1()
    {
        // Columns of [[3, 1], [4, -3]]: L2 norms 5 and sqrt(10). Rows: L1 norms 4 and 7.
        Tensor x = Tensor.FromArray(new float[] { 3, 1, 4, -3 }, 2, 2);
        AssertEx.Close(new float[] { 0.6f, (float)(1 / Math.Sqrt(10)), 0.8f, (float)(-3 / Math.Sqrt(10)) }, Utils.Normalize(x, axis: 0).ToArray(), atol: 1e-7);
        AssertEx.Close(new float[] { 0.75f, 0.25f, 4f / 7, -3f / 7 }, Utils.Normalize(x, axis: -1, order: 1).ToArray(), atol: 1e-7);
    }

    [Fact]
    public void Normalize_with_a_higher_order_and_a_middle_axis()
    {
        // Order 3 along axis 1 of a [1, 2, 2] tensor: pairs (1, 2) and (2, 0) -> norms 9^(1/3) and 2.
        Tensor x = Tensor.FromArray(new float[] { 1, 2, 2, 0 }, 1, 2, 2);
        double n0 = Math.Cbrt(9), n1 = 2;
        AssertEx.Close(new float[] { (float)(1 / n0), (float)(2 / n1), (float)(2 / n0), 0 }, Utils.Normalize(x, axis: 1, order: 3).ToArray(), atol: 1e-7);
    }

    [Fact]
    public void Normalize_rejects_bad_arguments()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Utils.Normalize(Tensor.Ones(2), order: 0), "order must be an integer >= 1", "received 0");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Utils.Normalize(Tensor.Ones(2, 2), axis: 2), "Normalize: axis 2 is out of range for a tensor of rank 2");
        AssertEx.Throws<ArgumentException>(() => Utils.Normalize(Tensor.Scalar(3f)), "Normalize expects a tensor of rank 1 or more");
    }
}
