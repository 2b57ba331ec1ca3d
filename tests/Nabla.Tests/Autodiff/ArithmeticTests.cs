using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class ArithmeticTests
{
    public static TheoryData<int[], int[]> Shapes() => new()
    {
        { [3, 4], [3, 4] },
        { [3, 4], [4] },
        { [4], [3, 4] },
        { [2, 3, 4], [3, 1] },
        { [2, 1, 4], [1, 5, 1] },
        { [5], [] },
        { [], [2, 3] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Add_gradients_match_finite_differences(int[] aShape, int[] bShape) =>
        GradCheck.Assert(x => Ops.Add(x[0], x[1]), [TestData.Uniform(aShape, seed: 1), TestData.Uniform(bShape, seed: 2)]);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Subtract_gradients_match_finite_differences(int[] aShape, int[] bShape) =>
        GradCheck.Assert(x => Ops.Subtract(x[0], x[1]), [TestData.Uniform(aShape, seed: 3), TestData.Uniform(bShape, seed: 4)]);

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Divide_gradients_match_finite_differences(int[] aShape, int[] bShape) =>
        GradCheck.Assert(x => Ops.Divide(x[0], x[1]), [TestData.Uniform(aShape, seed: 5), TestData.Uniform(bShape, 0.5f, 2f, seed: 6)]);

    [Fact]
    public void Scalar_forms_and_negation_have_correct_gradients()
    {
        Tensor x = TestData.Uniform([3, 5], seed: 8), positive = TestData.Uniform([3, 5], 0.5f, 2f, seed: 9);
        GradCheck.Assert(t => t[0] + 1.5f, [x]);
        GradCheck.Assert(t => 1.5f + t[0], [x]);
        GradCheck.Assert(t => t[0] - 1.5f, [x]);
        GradCheck.Assert(t => 1.5f - t[0], [x]);
        GradCheck.Assert(t => t[0] / -4f, [x]);
        GradCheck.Assert(t => 3f / t[0], [positive]);
        GradCheck.Assert(t => -t[0], [x]);
    }

    [Fact]
    public void Exact_gradients_of_simple_expressions()
    {
        Tensor a = Tensor.FromArray([1f, 2f, 4f], 3), b = Tensor.FromArray([2f, 4f, 8f], 3);
        using var tape = new GradientTape();
        tape.Watch(a);
        tape.Watch(b);

        // L = Σ a/b: dL/da = 1/b, dL/db = −a/b².
        IReadOnlyList<Tensor> g = tape.Gradient(Ops.Divide(a, b), [a, b]);
        Assert.Equal([0.5f, 0.25f, 0.125f], g[0].ToArray());
        Assert.Equal([-0.25f, -0.125f, -0.0625f], g[1].ToArray());

        // L = Σ (3 − a) + (a − b): dL/da = −1 + 1 = 0, dL/db = −1.
        g = tape.Gradient(Ops.Add(Ops.Subtract(3f, a), Ops.Subtract(a, b)), [a, b]);
        Assert.Equal([0f, 0f, 0f], g[0].ToArray());
        Assert.Equal([-1f, -1f, -1f], g[1].ToArray());

        // L = Σ 2/a: dL/da = −2/a².
        g = tape.Gradient(Ops.Divide(2f, a), [a]);
        Assert.Equal([-2f, -0.5f, -0.125f], g[0].ToArray());
    }

    [Fact]
    public void Forward_values_follow_IEEE_arithmetic()
    {
        Tensor a = Tensor.FromArray([1f, -2f, 0f], 3);
        Assert.Equal([2.5f, -0.5f, 1.5f], (a + 1.5f).ToArray());
        Assert.Equal([0.5f, 3.5f, 1.5f], (1.5f - a).ToArray());
        Assert.Equal([-1f, 2f, -0f], (-a).ToArray());
        Assert.Equal([1f, -0.5f, float.PositiveInfinity], (1f / a).ToArray());
        Assert.Equal([0.5f, -1f, 0f], (a / 2f).ToArray());
    }

    [Theory]
    [InlineData("Add")]
    [InlineData("Subtract")]
    [InlineData("Divide")]
    public void Incompatible_shapes_name_the_op_and_both_shapes(string op)
    {
        Tensor a = Tensor.Ones(2, 3), b = Tensor.Ones(4);
        Action act = op switch
        {
            "Add" => () => _ = a + b,
            "Subtract" => () => _ = a - b,
            _ => () => _ = a / b,
        };
        ShapeMismatchException ex = AssertEx.Throws<ShapeMismatchException>(act,
            $"{op}: shapes [2, 3] and [4] cannot be broadcast together", "axis -1 has length 3 in the first and 4 in the second");
        Assert.Equal(op, ex.Operation);
        Assert.Equal("[4]", ex.Actual);
    }
}
