using Nabla.Autodiff;
using Nabla.Layers;
using Nabla.Tests.Support;

namespace Nabla.Tests.Layers.Merging;

public class DotTests
{
    [Fact]
    public void Harness_rank_2_gives_one_product_per_sample()
    {
        LayerTest.RunList(() => new Dot(axes: 1), [[3, 5], [3, 5]], expectedOutputShape: [3, 1]);
    }

    [Fact]
    public void Harness_rank_3_with_an_axis_pair()
    {
        LayerTest.RunList(() => new Dot(axes: [1, 2]), [[2, 3, 5], [2, 10, 3]], expectedOutputShape: [2, 5, 10]);
    }

    [Fact]
    public void Harness_cosine_similarity()
    {
        LayerTest.RunList(() => new Dot(axes: -1, normalize: true), [[3, 4], [3, 4]], expectedOutputShape: [3, 1]);
    }

    [Fact]
    public void Kerass_example_values()
    {
        // x = arange(10).reshape(1, 5, 2), y = arange(10, 20).reshape(1, 2, 5), Dot(axes=(1, 2)) → [[[260, 360], [320, 445]]].
        Tensor x = Tensor.FromArray([.. Enumerable.Range(0, 10).Select(i => (float)i)], 1, 5, 2);
        Tensor y = Tensor.FromArray([.. Enumerable.Range(10, 10).Select(i => (float)i)], 1, 2, 5);
        Tensor z = new Dot(axes: [1, 2]).Apply([x, y]);
        Assert.Equal([1, 2, 2], z.Shape);
        Assert.Equal([260f, 360f, 320f, 445f], z.ToArray());
    }

    [Fact]
    public void Per_sample_dot_products_and_cosine_similarities()
    {
        Tensor a = Tensor.FromArray([1f, 2f, 3f, 4f], 2, 2), b = Tensor.FromArray([5f, 6f, 7f, 8f], 2, 2);

        // [1, 2]·[5, 6] = 17 and [3, 4]·[7, 8] = 53 (Keras's batch_dot example).
        Assert.Equal([17f, 53f], new Dot(axes: 1).Apply([a, b]).ToArray());
        Assert.Equal([2, 1], new Dot(axes: 1).Apply([a, b]).Shape);

        // Cosine: 17/(√5·√61) and 53/(5·√113).
        AssertEx.Close([(float)(17 / (Math.Sqrt(5) * Math.Sqrt(61))), (float)(53 / (5 * Math.Sqrt(113)))],
            new Dot(axes: -1, normalize: true).Apply([a, b]).ToArray(), atol: 1e-6);
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, new[] { 3, 2, 4 }, 1, 2, new[] { 3, 2 })]      // rank 2 with rank 3
    [InlineData(new[] { 3, 2, 4 }, new[] { 3, 4 }, 2, 1, new[] { 3, 2 })]      // rank 3 with rank 2
    [InlineData(new[] { 3, 4, 2 }, new[] { 3, 4, 5 }, 1, 1, new[] { 3, 2, 5 })]
    [InlineData(new[] { 3, 2, 4 }, new[] { 3, 5, 4 }, 2, 2, new[] { 3, 2, 5 })]
    [InlineData(new[] { 3, 2, 4 }, new[] { 3, 4, 5 }, -1, 1, new[] { 3, 2, 5 })]
    public void Every_axis_pair_matches_a_naive_batch_dot_and_its_gradients(int[] s1, int[] s2, int a1, int a2, int[] expected)
    {
        var layer = new Dot(axes: [a1, a2]);
        Tensor x = TestData.Uniform(s1, seed: 1), y = TestData.Uniform(s2, seed: 2);
        Tensor z = layer.Apply([x, y]);
        Assert.Equal(expected, z.Shape);
        Assert.Equal([-1, .. expected[1..]], layer.ComputeOutputShape([[-1, .. s1[1..]], [-1, .. s2[1..]]]));
        AssertEx.Close(NaiveBatchDot(x, y, a1 < 0 ? a1 + s1.Length : a1, a2 < 0 ? a2 + s2.Length : a2), z.ToArray(), atol: 1e-5, rtol: 1e-5);
        GradCheck.Assert(t => layer.Apply(t), [x, y]);
    }

    [Fact]
    public void Cosine_gradients_match_finite_differences()
    {
        var layer = new Dot(axes: [1, 1], normalize: true);
        GradCheck.Assert(t => layer.Apply(t), [TestData.AwayFromZero([3, 4, 2], 0.2f, 1f, seed: 3), TestData.AwayFromZero([3, 4, 3], 0.2f, 1f, seed: 4)]);
    }

    [Fact]
    public void Bad_axes_and_shapes_are_rejected_with_clear_messages()
    {
        AssertEx.Throws<ArgumentException>(() => new Dot([1, 2, 3]), "Dot: axes should hold two axes, the first input's and the second's, but received [1, 2, 3] (3 values).");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Dot(0), "Dot: cannot take the dot product over axis 0, the batch axis.");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => new Dot([1, 0]), "over axis 0, the batch axis");

        AssertEx.Throws<ShapeMismatchException>(() => new Dot(1, name: "d").Apply([new Input(shape: [3]), new Input(shape: [4])]),
            "Layer 'd' (Dot, axes=1) has incompatible input shapes: axis values 3 (at axis 1) != 4 (at axis 1). Full input shapes: [None, 3] and [None, 4].");
        AssertEx.Throws<ShapeMismatchException>(() => new Dot(-2, name: "d2").Apply([new Input(shape: [3]), new Input(shape: [3])]),
            "Layer 'd2' (Dot, axes=-2) cannot take the dot product over axis 0, the batch axis: axis -2 is axis 0 of the first input, of shape [None, 3].");
        AssertEx.Throws<ShapeMismatchException>(() => new Dot(1).Apply([new Input(shape: [2, 3, 4]), new Input(shape: [2])]),
            "takes inputs of rank 2 or 3 (batch axis included), but received [None, 2, 3, 4] and [None, 2] (ranks 4 and 2).");
        AssertEx.Throws<ShapeMismatchException>(() => new Dot(3, name: "d3").Apply([new Input(shape: [2, 3]), new Input(shape: [2])]),
            "Layer 'd3' (Dot, axes=3): axis 3 is out of range for the first input, of shape [None, 2, 3] (rank 3).");
        AssertEx.Throws<ShapeMismatchException>(() => new Dot(1).Apply([Tensor.Ones(2, 3), Tensor.Ones(3, 3)]),
            "cannot take the dot product of inputs with different batch sizes, but received [2, 3] and [3, 3].");
        AssertEx.Throws<ArgumentException>(() => new Dot(1, name: "d4").Apply([Tensor.Ones(2, 3), Tensor.Ones(2, 3), Tensor.Ones(2, 3)]),
            "Layer 'd4' (Dot, axes=1) should be called on exactly 2 inputs, but received 3");
    }

    [Fact]
    public void The_axes_keep_the_form_they_were_given_in_the_config()
    {
        Assert.Equal(1, new Dot(1).GetConfig()["axes"]);
        Assert.Equal([1, 2], (int[])new Dot([1, 2]).GetConfig()["axes"]!);
        Dot clone = (Dot)LayerRegistry.FromConfig("Dot", new Dot([2, 1], normalize: true).GetConfig());
        Assert.Equal([2, 1], clone.Axes);
        Assert.True(clone.Normalize);
        Assert.Equal([2, 2], ((Dot)LayerRegistry.FromConfig("Dot", new Dot(2).GetConfig())).Axes);
    }

    // out[b, i.., j..] = Σ_k x[b, .., k, ..]·y[b, .., k, ..], x's free axes first, computed by index arithmetic.
    private static float[] NaiveBatchDot(Tensor x, Tensor y, int ax, int ay)
    {
        int[] sx = x.Shape, sy = y.Shape;
        int batch = sx[0], k = sx[ax];
        int[] freeX = [.. Enumerable.Range(1, sx.Length - 1).Where(d => d != ax)], freeY = [.. Enumerable.Range(1, sy.Length - 1).Where(d => d != ay)];
        int m = freeX.Length == 0 ? 1 : sx[freeX[0]], n = freeY.Length == 0 ? 1 : sy[freeY[0]];
        float[] xv = x.ToArray(), yv = y.ToArray();
        var result = new float[batch * m * n];
        int Index(int[] shape, int b, int[] free, int f, int axis, int kk)
        {
            var at = new int[shape.Length];
            at[0] = b;
            at[axis] = kk;
            if (free.Length > 0)
            {
                at[free[0]] = f;
            }

            return at.Select((v, d) => v * shape[(d + 1)..].Aggregate(1, (p, q) => p * q)).Sum();
        }

        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double s = 0;
                    for (int kk = 0; kk < k; kk++)
                    {
                        s += (double)xv[Index(sx, b, freeX, i, ax, kk)] * yv[Index(sy, b, freeY, j, ay, kk)];
                    }

                    result[(((b * m) + i) * n) + j] = (float)s;
                }
            }
        }

        return result;
    }
}
