using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class MatMulTests
{
    public static TheoryData<int[], int[]> Shapes() => new()
    {
        { [1, 1], [1, 1] },
        { [3, 4], [4, 5] },
        { [7, 17], [17, 1] },
        { [1, 9], [9, 6] },
        { [2, 3, 4], [2, 4, 5] },
        { [1, 5, 3], [1, 3, 2] },
        { [3, 2, 5], [5, 4] },
        { [4, 1, 3], [3, 3] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Forward_matches_the_naive_product(int[] aShape, int[] bShape)
    {
        Tensor a = TestData.Uniform(aShape, seed: 1), b = TestData.Uniform(bShape, seed: 2);
        Tensor y = Tensor.MatMul(a, b);
        Assert.Equal(a.Shape[..^1].Append(bShape[^1]).ToArray(), y.Shape);
        AssertEx.Close(Naive(a, b), y.ToArray(), atol: 1e-5, rtol: 1e-5);
        AssertEx.Close(y, a.MatMul(b), atol: 0, rtol: 0);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Gradients_match_finite_differences(int[] aShape, int[] bShape)
    {
        GradCheck.Assert(t => Ops.MatMul(t[0], t[1]), [TestData.Uniform(aShape, seed: 3), TestData.Uniform(bShape, seed: 4)]);
    }

    [Fact]
    public void Exact_gradients_of_a_row_times_a_column()
    {
        Tensor a = Tensor.FromArray([1f, 2f], 1, 2), b = Tensor.FromArray([3f, 4f], 2, 1);
        using var tape = new GradientTape();
        tape.Watch(a);
        tape.Watch(b);
        Tensor y = a.MatMul(b);
        Assert.Equal([11f], y.ToArray());

        // y = a·b: dy/da = bᵀ, dy/db = aᵀ.
        IReadOnlyList<Tensor> g = tape.Gradient(y, [a, b]);
        Assert.Equal([3f, 4f], g[0].ToArray());
        Assert.Equal([1f, 2f], g[1].ToArray());
        Assert.Equal([2, 1], g[1].Shape);
    }

    [Fact]
    public void A_shared_right_matrix_gets_the_gradient_summed_over_the_batch()
    {
        Tensor a = TestData.Uniform([3, 2, 4], seed: 5), w = TestData.Uniform([4, 5], seed: 6);
        using var tape = new GradientTape();
        tape.Watch(w);
        float[] shared = tape.Gradient(Ops.MatMul(a, w), [w])[0].ToArray();

        var summed = new float[shared.Length];
        for (int i = 0; i < 3; i++)
        {
            float[] gi = tape.Gradient(Ops.MatMul(a[i], w), [w])[0].ToArray();
            for (int j = 0; j < summed.Length; j++)
            {
                summed[j] += gi[j];
            }
        }

        AssertEx.Close(summed, shared, atol: 1e-5);
    }

    [Fact]
    public void Empty_inner_dimension_gives_zeros()
    {
        Tensor y = Tensor.MatMul(Tensor.Ones(2, 0), Tensor.Ones(0, 3));
        Assert.Equal([2, 3], y.Shape);
        Assert.All(y.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Shape_errors_name_both_shapes()
    {
        ShapeMismatchException ex = AssertEx.Throws<ShapeMismatchException>(
            () => Tensor.MatMul(Tensor.Zeros(32, 100), Tensor.Zeros(10, 64)),
            "MatMul: inner dimensions must match, but received [32, 100] and [10, 64] (100 != 10).");
        Assert.Equal("MatMul", ex.Operation);
        AssertEx.Throws<ShapeMismatchException>(() => Tensor.MatMul(Tensor.Zeros(2, 3, 4), Tensor.Zeros(3, 4, 5)),
            "MatMul: batch sizes must match, but received [2, 3, 4] and [3, 4, 5] (2 != 3).");
        AssertEx.Throws<ShapeMismatchException>(() => Tensor.MatMul(Tensor.Zeros(3), Tensor.Zeros(3, 4)),
            "MatMul: expects operands of ranks 2·2, 3·3 or 3·2", "but received [3] and [3, 4] (ranks 1 and 2)");
        AssertEx.Throws<ShapeMismatchException>(() => Tensor.MatMul(Tensor.Zeros(3, 4), Tensor.Zeros(2, 4, 5)),
            "but received [3, 4] and [2, 4, 5] (ranks 2 and 3)");
        AssertEx.Throws<ShapeMismatchException>(() => Tensor.MatMul(Tensor.Zeros(1, 2, 3, 4), Tensor.Zeros(4, 5)), "(ranks 4 and 2)");
    }

    private static float[] Naive(Tensor a, Tensor b)
    {
        int[] sa = a.Shape, sb = b.Shape;
        int batch = sa.Length == 3 ? sa[0] : 1, m = sa[^2], k = sa[^1], n = sb[^1];
        float[] av = a.ToArray(), bv = b.ToArray();
        var y = new float[batch * m * n];
        for (int t = 0; t < batch; t++)
        {
            int bOff = sb.Length == 3 ? t * k * n : 0;
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double acc = 0;
                    for (int p = 0; p < k; p++)
                    {
                        acc += (double)av[(t * m * k) + (i * k) + p] * bv[bOff + (p * n) + j];
                    }

                    y[(t * m * n) + (i * n) + j] = (float)acc;
                }
            }
        }

        return y;
    }
}
