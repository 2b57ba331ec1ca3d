using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class ConcatenateTests
{
    [Fact]
    public void Joins_along_the_first_middle_and_last_axes()
    {
        Tensor a = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2), b = Tensor.FromArray([5f, 6f], 1, 2), c = Tensor.FromArray([7f, 8f], 2, 1);
        AssertEx.Close([1f, 2f, 3f, 4f, 5f, 6f], [3, 2], Ops.Concatenate([a, b]), atol: 0, rtol: 0);
        AssertEx.Close([1f, 2f, 7f, 3f, 4f, 8f], [2, 3], Ops.Concatenate([a, c], axis: -1), atol: 0, rtol: 0);

        // [2, 2, 1] and [2, 1, 1] along axis 1: each sample's rows are a's two, then b's one.
        Tensor x = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2, 1), y = Tensor.FromArray([9f, 8f], 2, 1, 1);
        AssertEx.Close([1f, 2f, 9f, 3f, 4f, 8f], [2, 3, 1], Ops.Concatenate([x, y], axis: 1), atol: 0, rtol: 0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Three_inputs_match_a_naive_copy(int axis)
    {
        int[][] shapes = [[2, 3, 4], [2, 3, 4], [2, 3, 4]];
        shapes[1][axis] = 1;
        shapes[2][axis] = 5;
        Tensor[] xs = [.. shapes.Select((s, i) => TestData.Uniform(s, seed: i + 1))];
        Tensor y = Ops.Concatenate(xs, axis);
        int[] expectedShape = [2, 3, 4];
        expectedShape[axis] = shapes.Sum(s => s[axis]);
        Assert.Equal(expectedShape, y.Shape);

        // Element by element: index i along the axis comes from the input whose range holds it.
        for (int p = 0; p < y.Size; p++)
        {
            int[] at = Unravel(p, expectedShape);
            int t = 0, i = at[axis];
            while (i >= shapes[t][axis])
            {
                i -= shapes[t][axis];
                t++;
            }

            at[axis] = i;
            Assert.Equal(xs[t].ToArray()[Ravel(at, shapes[t])], y.ToArray()[p]);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    public void Gradients_match_finite_differences(int axis)
    {
        int[] a = [2, 3, 2], b = [2, 3, 2];
        b[axis < 0 ? 2 : axis] = 1;
        GradCheck.Assert(t => Ops.Concatenate([t[0], t[1], t[0]], axis), [TestData.Uniform(a, seed: 3), TestData.Uniform(b, seed: 4)]);
    }

    [Fact]
    public void A_trainable_variable_in_the_list_gets_its_gradient()
    {
        var w = new Variable(Tensor.FromArray([1f, 2f], 1, 2), "w");
        Tensor x = Tensor.FromArray([3f, 4f], 1, 2);
        using var tape = new GradientTape();
        Tensor y = Ops.Concatenate([x, w.Value], axis: 0);
        Tensor loss = Ops.Sum(Ops.Multiply(y, Tensor.FromArray([1f, 1f, 5f, 7f], 2, 2)));

        // d(Σ y·r)/dw is r's rows that w filled.
        Assert.Equal([5f, 7f], tape.Gradient(loss, [w.Value])[0].ToArray());
    }

    [Fact]
    public void One_tensor_is_returned_as_it_is()
    {
        Tensor x = Tensor.Ones(2, 3);
        Assert.Same(x, Ops.Concatenate([x], axis: 1));
    }

    [Fact]
    public void Mismatched_shapes_and_bad_arguments_are_rejected_with_clear_messages()
    {
        Tensor a = Tensor.Ones(2, 3), b = Tensor.Ones(4, 3), c = Tensor.Ones(2, 3, 1);
        AssertEx.Throws<ShapeMismatchException>(() => Ops.Concatenate([a, b], axis: 1),
            "Concatenate: expects tensors whose lengths match on every axis but axis 1, but tensor 0 has shape [2, 3] and tensor 1 has shape [4, 3].");
        AssertEx.Throws<ShapeMismatchException>(() => Ops.Concatenate([a, c], axis: 1), "expects tensors of one rank", "tensor 1 has shape [2, 3, 1] (rank 3)");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Ops.Concatenate([a, a], axis: 2), "Concatenate: axis 2 is out of range for a tensor of rank 2");
        AssertEx.Throws<ArgumentException>(() => Ops.Concatenate([], axis: 0), "Concatenate: expects at least one tensor, but received an empty list.");
        AssertEx.Throws<ArgumentException>(() => Ops.Concatenate([Tensor.Scalar(1f), Tensor.Scalar(2f)]), "tensor 0 is a scalar");
    }

    private static int[] Unravel(int p, int[] shape)
    {
        var at = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            at[d] = p % shape[d];
            p /= shape[d];
        }

        return at;
    }

    private static int Ravel(int[] at, int[] shape)
    {
        int p = 0;
        for (int d = 0; d < shape.Length; d++)
        {
            p = (p * shape[d]) + at[d];
        }

        return p;
    }
}
