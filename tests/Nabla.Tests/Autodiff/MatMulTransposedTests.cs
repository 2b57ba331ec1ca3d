using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

/// <summary>MatMul with transpose flags: every flag combination against the plain product of explicit transposes.</summary>
public class MatMulTransposedTests
{
    public static TheoryData<bool, bool, int, int, int, int> Cases()
    {
        var data = new TheoryData<bool, bool, int, int, int, int>();
        foreach (bool ta in new[] { false, true })
        {
            foreach (bool tb in new[] { false, true })
            {
                data.Add(ta, tb, 0, 3, 4, 5);    // unbatched [m, k]·[k, n]
                data.Add(ta, tb, 2, 3, 4, 5);    // batched
                data.Add(ta, tb, 1, 1, 7, 1);    // a batch of one row-by-column product
                data.Add(ta, tb, 3, 17, 1, 2);   // k = 1
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Forward_matches_the_product_of_explicit_transposes(bool transposeA, bool transposeB, int batch, int m, int k, int n)
    {
        (Tensor a, Tensor b) = Operands(transposeA, transposeB, batch, m, k, n);
        Tensor y = Ops.MatMul(a, b, transposeA, transposeB);
        Tensor expected = Ops.MatMul(Op(a, transposeA), Op(b, transposeB));
        AssertEx.Close(expected, y, atol: 1e-5, rtol: 1e-5);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(bool transposeA, bool transposeB, int batch, int m, int k, int n)
    {
        (Tensor a, Tensor b) = Operands(transposeA, transposeB, batch, m, k, n);
        GradCheck.Assert(t => Ops.MatMul(t[0], t[1], transposeA, transposeB), [a, b]);
    }

    [Fact]
    public void Exact_gradients_of_a_transposed_column_times_a_transposed_row()
    {
        // a = [[1], [2]] used as [1, 2]; b = [[3, 4]] used as [[3], [4]]: y = 1·3 + 2·4 = 11.
        Tensor a = Tensor.FromArray([1f, 2f], 2, 1), b = Tensor.FromArray([3f, 4f], 1, 2);
        using var tape = new GradientTape();
        tape.Watch(a);
        tape.Watch(b);
        Tensor y = Ops.MatMul(a, b, transposeA: true, transposeB: true);
        Assert.Equal([11f], y.ToArray());

        // dy/da_i = b_i and dy/db_i = a_i, each stored in its operand's layout.
        IReadOnlyList<Tensor> g = tape.Gradient(y, [a, b]);
        Assert.Equal([3f, 4f], g[0].ToArray());
        Assert.Equal([2, 1], g[0].Shape);
        Assert.Equal([1f, 2f], g[1].ToArray());
        Assert.Equal([1, 2], g[1].Shape);
    }

    [Fact]
    public void Mismatched_operands_are_rejected_with_clear_messages()
    {
        AssertEx.Throws<ShapeMismatchException>(() => Ops.MatMul(Tensor.Ones(2, 3), Tensor.Ones(2, 4), transposeA: false, transposeB: false),
            "MatMul (transposeA: false, transposeB: false): inner dimensions must match, but received [2, 3] and [2, 4]: op(a) has 3 columns and op(b) has 2 rows.");
        AssertEx.Throws<ShapeMismatchException>(() => Ops.MatMul(Tensor.Ones(2, 3, 4), Tensor.Ones(3, 4, 5), false, false),
            "batch sizes must match, but received [2, 3, 4] and [3, 4, 5] (2 != 3)");
        AssertEx.Throws<ShapeMismatchException>(() => Ops.MatMul(Tensor.Ones(2, 3, 4), Tensor.Ones(4, 5), false, false),
            "expects two 2-D operands or two 3-D batches, but received [2, 3, 4] and [4, 5] (ranks 3 and 2)");
    }

    private static (Tensor A, Tensor B) Operands(bool transposeA, bool transposeB, int batch, int m, int k, int n)
    {
        int[] Shape(int rows, int cols) => batch == 0 ? [rows, cols] : [batch, rows, cols];
        Tensor a = TestData.Uniform(transposeA ? Shape(k, m) : Shape(m, k), seed: m + k);
        Tensor b = TestData.Uniform(transposeB ? Shape(n, k) : Shape(k, n), seed: k + n + 1);
        return (a, b);
    }

    // The explicit transpose of the last two axes, item by item.
    private static Tensor Op(Tensor x, bool transpose)
    {
        if (!transpose)
        {
            return x;
        }

        if (x.Rank == 2)
        {
            return x.Transpose();
        }

        Tensor[] items = [.. Enumerable.Range(0, x.Shape[0]).Select(i => x[i].Transpose().Reshape(1, x.Shape[2], x.Shape[1]))];
        return Ops.Concatenate(items, axis: 0);
    }
}
