using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

/// <summary>Softmax over an axis other than the last (Keras's Softmax(axis=1)).</summary>
public class SoftmaxAxisTests
{
    [Fact]
    public void Hand_computed_softmax_down_the_columns()
    {
        // Column j of [[0, 1], [ln 3, 1]] normalised over axis 0: column 0 → [1/4, 3/4], column 1 → [1/2, 1/2].
        Tensor x = Tensor.FromArray([0f, 1f, MathF.Log(3f), 1f], 2, 2);
        AssertEx.Close([0.25f, 0.5f, 0.75f, 0.5f], Ops.Softmax(x, axis: 0).ToArray(), atol: 1e-7);
        AssertEx.Close(Ops.Softmax(x, axis: 0), Ops.Softmax(x, axis: -2), atol: 0, rtol: 0);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, 1)]
    [InlineData(new[] { 2, 3, 4 }, 0)]
    [InlineData(new[] { 3, 5, 1, 2 }, 1)]
    [InlineData(new[] { 1, 7, 17 }, 1)]
    [InlineData(new[] { 4, 1, 3 }, 1)]
    public void Matches_a_double_reference_slice_by_slice(int[] shape, int axis)
    {
        Tensor x = TestData.Uniform(shape, -3f, 3f, seed: shape.Sum() + axis);
        Tensor y = Ops.Softmax(x, axis);
        Assert.Equal(shape, y.Shape);
        AssertEx.Close(Reference(x.ToArray(), shape, axis), y.ToArray(), atol: 1e-6, rtol: 1e-5);
    }

    [Theory]
    [InlineData(new[] { 2, 3, 4 }, 1)]
    [InlineData(new[] { 3, 2, 2 }, 0)]
    [InlineData(new[] { 2, 4, 1, 3 }, -3)]
    public void Gradients_match_finite_differences(int[] shape, int axis)
    {
        GradCheck.Assert(t => Ops.Softmax(t[0], axis), [TestData.Uniform(shape, -2f, 2f, seed: 9)]);
    }

    [Fact]
    public void Only_the_last_axis_keeps_its_logits_for_the_cross_entropies()
    {
        Tensor x = TestData.Uniform([2, 3], seed: 4);
        Assert.Same(x, Ops.Softmax(x, axis: -1).KerasLogits);
        Assert.Null(Ops.Softmax(x, axis: 0).KerasLogits);
    }

    // softmax along the axis in double, slice by slice.
    private static float[] Reference(float[] x, int[] shape, int axis)
    {
        int a = axis < 0 ? axis + shape.Length : axis;
        int outer = shape[..a].Aggregate(1, (p, d) => p * d), length = shape[a], inner = shape[(a + 1)..].Aggregate(1, (p, d) => p * d);
        var y = new float[x.Length];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int At(int j) => (((o * length) + j) * inner) + i;
                double m = Enumerable.Range(0, length).Max(j => (double)x[At(j)]);
                double s = Enumerable.Range(0, length).Sum(j => Math.Exp(x[At(j)] - m));
                for (int j = 0; j < length; j++)
                {
                    y[At(j)] = (float)(Math.Exp(x[At(j)] - m) / s);
                }
            }
        }

        return y;
    }
}
