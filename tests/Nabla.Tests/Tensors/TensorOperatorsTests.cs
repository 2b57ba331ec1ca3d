using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Tensors;

/// <summary>NumPy's broadcasting table through the public operators, forward and gradient, against the naive reference.</summary>
public class TensorOperatorsTests
{
    public static TheoryData<int[], int[], char> Table()
    {
        int[][][] pairs =
        [
            [[2, 3], [3]],
            [[2, 1], [1, 3]],
            [[4, 1, 5], [3, 1]],
            [[3], [2, 3]],
            [[2, 3], []],
            [[], [2, 3]],
            [[], []],
            [[1], [4, 1, 2]],
            [[2, 3, 4], [2, 3, 4]],
            [[0, 3], [3]],
        ];
        var data = new TheoryData<int[], int[], char>();
        foreach (int[][] p in pairs)
        {
            foreach (char op in "+-*/")
            {
                data.Add(p[0], p[1], op);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Operators_broadcast_like_NumPy_forward_and_backward(int[] aShape, int[] bShape, char op)
    {
        Tensor a = TestData.Uniform(aShape, 0.5f, 2f, seed: 1), b = TestData.Uniform(bShape, 0.5f, 2f, seed: 2);
        float[] av = a.ToArray(), bv = b.ToArray();
        Func<float, float, float> f = op switch
        {
            '+' => (x, y) => x + y,
            '-' => (x, y) => x - y,
            '*' => (x, y) => x * y,
            _ => (x, y) => x / y,
        };

        // ∂f/∂a and ∂f/∂b of each operator, evaluated per output element.
        Func<float, float, float> da = op switch
        {
            '+' or '-' => (_, _) => 1f,
            '*' => (_, y) => y,
            _ => (_, y) => 1f / y,
        };
        Func<float, float, float> db = op switch
        {
            '+' => (_, _) => 1f,
            '-' => (_, _) => -1f,
            '*' => (x, _) => x,
            _ => (x, y) => -x / (y * y),
        };

        float[] expected = NaiveBroadcast.Apply(av, aShape, bv, bShape, f, out int[] shape);
        using var tape = new GradientTape();
        tape.Watch(a);
        tape.Watch(b);
        Tensor result = op switch
        {
            '+' => a + b,
            '-' => a - b,
            '*' => a * b,
            _ => a / b,
        };
        AssertEx.Close(expected, shape, result, atol: 1e-6, rtol: 1e-6);

        IReadOnlyList<Tensor> g = tape.Gradient(result, [a, b]);
        float[] ga = NaiveBroadcast.SumTo(NaiveBroadcast.Apply(av, aShape, bv, bShape, da, out _), shape, aShape);
        float[] gb = NaiveBroadcast.SumTo(NaiveBroadcast.Apply(av, aShape, bv, bShape, db, out _), shape, bShape);
        AssertEx.Close(ga, aShape, g[0], atol: 1e-5, rtol: 1e-5);
        AssertEx.Close(gb, bShape, g[1], atol: 1e-5, rtol: 1e-5);
    }

    [Theory]
    [InlineData(new[] { 2, 3 }, new[] { 2 }, "axis -1 has length 3 in the first and 2 in the second")]
    [InlineData(new[] { 4, 1, 5 }, new[] { 3, 4 }, "axis -1 has length 5 in the first and 4 in the second")]
    [InlineData(new[] { 2, 3, 4 }, new[] { 3, 3, 4 }, "axis -3 has length 2 in the first and 3 in the second")]
    public void Incompatible_shapes_are_rejected_by_every_operator(int[] aShape, int[] bShape, string why)
    {
        Tensor a = Tensor.Ones(aShape), b = Tensor.Ones(bShape);
        AssertEx.Throws<ShapeMismatchException>(() => _ = a + b, "Add", why);
        AssertEx.Throws<ShapeMismatchException>(() => _ = a - b, "Subtract", why);
        AssertEx.Throws<ShapeMismatchException>(() => _ = a * b, "Multiply", why);
        AssertEx.Throws<ShapeMismatchException>(() => _ = a / b, "Divide", why);
    }

    [Fact]
    public void Scalars_work_on_either_side()
    {
        Tensor a = Tensor.Zeros([2, 3]), b = Tensor.Ones([2, 3]), c = Tensor.Full([2, 3], 7f);
        Tensor e = (a + b) * 2f - c / 7f;
        Assert.All(e.ToArray(), v => Assert.Equal(1f, v));
        Assert.All((2f * b + 1f - (6f / (b + 1f))).ToArray(), v => Assert.Equal(0f, v));
    }
}
