using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class ReduceTests
{
    /// <summary>Every axis (positive and negative) of a few shapes, and no axis, with and without keepDims.</summary>
    public static TheoryData<int[], int?, bool> Cases()
    {
        var data = new TheoryData<int[], int?, bool>();
        foreach (int[] shape in new[] { new[] { 6 }, [3, 5], [2, 3, 4], [2, 1, 3, 5] })
        {
            foreach (bool keep in new[] { false, true })
            {
                data.Add(shape, null, keep);
                for (int axis = -shape.Length; axis < shape.Length; axis++)
                {
                    data.Add(shape, axis, keep);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_the_naive_reference(int[] shape, int? axis, bool keepDims)
    {
        Tensor x = TestData.Uniform(shape, -2f, 2f, seed: 11);
        int[] expectedShape = ReducedShape(shape, axis, keepDims);
        AssertEx.Close(Naive(x, axis, v => v.Sum()), expectedShape, x.Sum(axis, keepDims), atol: 1e-5);
        AssertEx.Close(Naive(x, axis, v => v.Average()), expectedShape, x.Mean(axis, keepDims), atol: 1e-5);
        AssertEx.Close(Naive(x, axis, v => v.Max()), expectedShape, x.Max(axis, keepDims), atol: 0);
        AssertEx.Close(Naive(x, axis, v => v.Min()), expectedShape, x.Min(axis, keepDims), atol: 0);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(int[] shape, int? axis, bool keepDims)
    {
        // Distinct values at least 0.05 apart, so no extremum is within the difference step of a tie.
        Tensor x = Distinct(shape, seed: 3);
        GradCheck.Assert(t => t[0].Sum(axis, keepDims), [x]);
        GradCheck.Assert(t => t[0].Mean(axis, keepDims), [x]);
        GradCheck.Assert(t => t[0].Max(axis, keepDims), [x]);
        GradCheck.Assert(t => t[0].Min(axis, keepDims), [x]);
    }

    [Fact]
    public void Exact_gradients_and_tie_sharing()
    {
        Tensor x = Tensor.FromArray([1f, 3f, 3f, 2f, 5f, 0f], 2, 3);
        using var tape = new GradientTape();
        tape.Watch(x);

        // d(Σx)/dx = 1; d(mean)/dx = 1/n.
        Assert.Equal([1f, 1f, 1f, 1f, 1f, 1f], tape.Gradient(x.Sum(), [x])[0].ToArray());
        Assert.Equal([0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f], tape.Gradient(x.Mean(axis: 0), [x])[0].ToArray());

        // Row maxima: 3 twice in row 0 (each gets half), 5 once in row 1.
        Assert.Equal([0f, 0.5f, 0.5f, 0f, 1f, 0f], tape.Gradient(x.Max(axis: 1), [x])[0].ToArray());
        Assert.Equal([1f, 0f, 0f, 0f, 0f, 1f], tape.Gradient(x.Min(axis: -1, keepDims: true), [x])[0].ToArray());

        // Column maxima, reduced along axis 0 (inner = 3): columns have no ties.
        Assert.Equal([0f, 0f, 1f, 1f, 1f, 0f], tape.Gradient(x.Max(axis: 0), [x])[0].ToArray());
    }

    [Fact]
    public void Reductions_without_an_axis_are_0d_tensors()
    {
        Tensor u = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2);
        Tensor total = u.Sum();
        Assert.Equal(0, total.Rank);
        Assert.Equal(10f, total.Item());
        Assert.Equal(2.5f, u.Mean().Item());
        Assert.Equal(4f, u.Max().Item());
        Assert.Equal(1f, u.Min().Item());
        Assert.Equal([1, 1], u.Sum(keepDims: true).Shape);
        Assert.Equal(5f, Tensor.Scalar(5f).Sum().Item());
    }

    [Fact]
    public void ArgMax_and_ArgMin_find_the_first_extremum()
    {
        Tensor r = Tensor.FromArray([3f, 9f, 1f, 9f, 0f], 5);
        Assert.Equal(1, r.ArgMax());
        Assert.Equal(4, r.ArgMin());
        Tensor m = Tensor.FromArray([0f, 7f, 2f, 7f, 1f, 5f], 2, 3);
        Assert.Equal(1, m.ArgMax());                                  // flat index
        Assert.Equal([1f, 0f], m.ArgMax(axis: -1).ToArray());
        Assert.Equal([1f, 0f, 1f], m.ArgMax(axis: 0).ToArray());
        Assert.Equal([0f, 1f], m.ArgMin(axis: 1).ToArray());
        Assert.Equal([2, 1], m.ArgMin(axis: 1, keepDims: true).Shape);
        Assert.Equal(2, Tensor.FromArray([1f, 2f, float.NaN, 3f], 4).ArgMax());   // NaN wins, as in NumPy
    }

    [Fact]
    public void ArgMax_is_not_recorded()
    {
        Tensor x = Tensor.FromArray([1f, 2f], 1, 2);
        using var tape = new GradientTape();
        tape.Watch(x);
        Assert.Equal(-1, x.ArgMax(axis: 1).NodeIndex);
    }

    [Fact]
    public void Empty_reductions_follow_NumPy()
    {
        Assert.Equal(0f, Tensor.Zeros(0).Sum().Item());
        Assert.True(float.IsNaN(Tensor.Zeros(0).Mean().Item()));
        Assert.Equal([0f, 0f], Tensor.Zeros(2, 0).Sum(axis: 1).ToArray());
        Assert.Equal([0], Tensor.Zeros(0, 3).Max(axis: 1).Shape);      // nothing to reduce, nothing to fail
        AssertEx.Throws<ArgumentException>(() => Tensor.Zeros(0).Max(), "Max: expects a tensor with at least one element, but received shape [0].");
        AssertEx.Throws<ArgumentException>(() => Tensor.Zeros(2, 0).Min(axis: 1), "Min: expects a non-empty axis, but axis 1 of shape [2, 0] has length 0.");
        AssertEx.Throws<ArgumentException>(() => Tensor.Zeros(0, 2).ArgMax(), "ArgMax: expects a tensor with at least one element, but received shape [0, 2].");
        AssertEx.Throws<ArgumentException>(() => Tensor.Zeros(3, 0).ArgMin(axis: -1), "ArgMin: expects a non-empty axis");
    }

    [Fact]
    public void Bad_axes_name_the_op_and_the_valid_range()
    {
        Tensor x = Tensor.Zeros(2, 3);
        AssertEx.Throws<ArgumentOutOfRangeException>(() => x.Sum(axis: 2), "Sum: axis 2 is out of range for a tensor of rank 2 (valid: -2..1).");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => x.Mean(axis: -3), "Mean: axis -3 is out of range");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => x.ArgMax(axis: 5), "ArgMax: axis 5 is out of range");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Tensor.Scalar(1f).Max(axis: 0), "Max: axis 0 is out of range for a tensor of rank 0 (shape [])");
    }

    private static int[] ReducedShape(int[] shape, int? axis, bool keepDims)
    {
        if (axis is not int a)
        {
            return keepDims ? shape.Select(_ => 1).ToArray() : [];
        }

        a = a < 0 ? a + shape.Length : a;
        return keepDims ? shape.Select((d, i) => i == a ? 1 : d).ToArray() : shape.Where((_, i) => i != a).ToArray();
    }

    /// <summary>Reduces with <paramref name="f"/> over the elements sharing every index except <paramref name="axis"/>.</summary>
    private static float[] Naive(Tensor x, int? axis, Func<IEnumerable<double>, double> f)
    {
        float[] v = x.ToArray();
        int[] shape = x.Shape;
        if (axis is not int a)
        {
            return [(float)f(v.Select(e => (double)e))];
        }

        a = a < 0 ? a + shape.Length : a;
        int outer = shape[..a].Aggregate(1, (p, d) => p * d), n = shape[a], inner = shape[(a + 1)..].Aggregate(1, (p, d) => p * d);
        var y = new float[outer * inner];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                y[(o * inner) + i] = (float)f(Enumerable.Range(0, n).Select(k => (double)v[(((o * n) + k) * inner) + i]));
            }
        }

        return y;
    }

    private static Tensor Distinct(int[] shape, int seed)
    {
        int size = shape.Aggregate(1, (p, d) => p * d);
        var rng = new System.Random(seed);
        float[] values = Enumerable.Range(0, size).Select(k => (k * 0.05f) - 0.6f).OrderBy(_ => rng.Next()).ToArray();
        return Tensor.FromArray(values, shape);
    }
}
