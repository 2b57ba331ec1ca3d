using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class PowerTests
{
    [Theory]
    [InlineData(2f)]
    [InlineData(0.5f)]
    [InlineData(-1.5f)]
    [InlineData(3f)]
    [InlineData(1f)]
    public void Scalar_exponent_gradients_match_finite_differences(float p)
    {
        GradCheck.Assert(t => t[0].Pow(p), [TestData.Uniform([3, 4], 0.5f, 2f, seed: 2)]);
    }

    [Fact]
    public void Integer_exponents_accept_negative_bases()
    {
        Tensor x = TestData.Uniform([2, 5], -2f, 2f, seed: 4);
        AssertEx.Close(x.ToArray().Select(v => v * v * v).ToArray(), x.Pow(3f).ToArray(), atol: 1e-6, rtol: 1e-5);
        GradCheck.Assert(t => t[0].Pow(3f), [x]);
    }

    public static TheoryData<int[], int[]> Shapes() => new()
    {
        { [3, 4], [3, 4] },
        { [3, 4], [4] },
        { [2, 1, 3], [4, 1] },
        { [5], [] },
        { [], [2, 2] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Tensor_exponent_gradients_match_finite_differences(int[] baseShape, int[] expShape)
    {
        Tensor a = TestData.Uniform(baseShape, 0.5f, 2f, seed: 7), b = TestData.Uniform(expShape, -2f, 2f, seed: 8);
        GradCheck.Assert(t => Ops.Pow(t[0], t[1]), [a, b]);
    }

    [Fact]
    public void Exact_gradients_at_chosen_points()
    {
        Tensor a = Tensor.FromArray([2f, -2f, 0f], 3), b = Tensor.FromArray([3f, 2f, 2f], 3);
        using var tape = new GradientTape();
        tape.Watch(a);
        tape.Watch(b);
        Tensor y = a.Pow(b);
        Assert.Equal([8f, 4f, 0f], y.ToArray());
        IReadOnlyList<Tensor> g = tape.Gradient(y, [a, b]);

        // d aᵇ/da = b·aᵇ⁻¹; d aᵇ/db = aᵇ·ln a, with ln a taken as 0 for a ≤ 0 (TensorFlow's convention).
        Assert.Equal([12f, -4f, 0f], g[0].ToArray());
        AssertEx.Close([8f * MathF.Log(2f), 0f, 0f], g[1].ToArray());

        // x⁰ = 1 everywhere: its gradient is 0, even at x = 0.
        Tensor z = Tensor.FromArray([0f, 3f], 2);
        tape.Watch(z);
        Assert.Equal([0f, 0f], tape.Gradient(z.Pow(0f), [z])[0].ToArray());
    }

    [Fact]
    public void Incompatible_shapes_name_the_op()
    {
        AssertEx.Throws<ShapeMismatchException>(() => Tensor.Ones(2, 3).Pow(Tensor.Ones(2)),
            "Pow: shapes [2, 3] and [2] cannot be broadcast together");
    }
}
