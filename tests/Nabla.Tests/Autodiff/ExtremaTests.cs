using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class ExtremaTests
{
    public static TheoryData<int[], int[]> Shapes() => new()
    {
        { [3, 4], [3, 4] },
        { [3, 4], [4] },
        { [4], [3, 4] },
        { [2, 1, 3], [4, 1] },
        { [5], [] },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Maximum_and_minimum_gradients_match_finite_differences(int[] aShape, int[] bShape)
    {
        // |a| ≥ 0.1 and |b| ≤ 0.05: the operands never come within the difference step of a tie.
        Tensor a = TestData.AwayFromZero(aShape, seed: 1), b = TestData.Uniform(bShape, -0.05f, 0.05f, seed: 2);
        GradCheck.Assert(t => Ops.Maximum(t[0], t[1]), [a, b]);
        GradCheck.Assert(t => Ops.Minimum(t[0], t[1]), [a, b]);
        GradCheck.Assert(t => Ops.Maximum(t[1], t[0]), [a, b]);
    }

    [Fact]
    public void Scalar_forms_match_finite_differences()
    {
        Tensor x = TestData.AwayFromZero([4, 6], seed: 3);
        GradCheck.Assert(t => t[0].Maximum(0f), [x]);
        GradCheck.Assert(t => t[0].Minimum(0f), [x]);
        GradCheck.Assert(t => t[0].Clip(-0.05f, 0.05f), [x]);
        GradCheck.Assert(t => t[0].Clip(-2f, 2f), [x]);
    }

    [Fact]
    public void Ties_send_the_whole_gradient_to_the_first_operand()
    {
        Tensor a = Tensor.FromArray([1f, 2f, 3f], 3), b = Tensor.FromArray([1f, 5f, 0f], 3);
        using var tape = new GradientTape();
        tape.Watch(a);
        tape.Watch(b);
        IReadOnlyList<Tensor> g = tape.Gradient(a.Maximum(b), [a, b]);
        Assert.Equal([1f, 0f, 1f], g[0].ToArray());     // tie at 0 goes to a
        Assert.Equal([0f, 1f, 0f], g[1].ToArray());
        g = tape.Gradient(a.Minimum(b), [a, b]);
        Assert.Equal([1f, 1f, 0f], g[0].ToArray());
        Assert.Equal([0f, 0f, 1f], g[1].ToArray());

        // Scalar forms: a tie with the scalar keeps the gradient (max(x, 1) at x = 1 passes it).
        Assert.Equal([1f, 1f, 1f], tape.Gradient(a.Maximum(1f), [a])[0].ToArray());
        Assert.Equal([1f, 0f, 0f], tape.Gradient(a.Minimum(1f), [a])[0].ToArray());
    }

    [Fact]
    public void Clip_passes_the_gradient_inside_and_on_the_bounds()
    {
        Tensor x = Tensor.FromArray([-1f, 0f, 0.5f, 1f, 2f], 5);
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y = x.Clip(0f, 1f);
        Assert.Equal([0f, 0f, 0.5f, 1f, 1f], y.ToArray());
        Assert.Equal([0f, 1f, 1f, 1f, 0f], tape.Gradient(y, [x])[0].ToArray());
    }

    [Fact]
    public void NaN_propagates_through_maximum_minimum_and_clip()
    {
        Tensor a = Tensor.FromArray([float.NaN, 1f], 2), b = Tensor.FromArray([1f, float.NaN], 2);
        Assert.Equal([float.NaN, float.NaN], a.Maximum(b).ToArray());
        Assert.Equal([float.NaN, float.NaN], a.Minimum(b).ToArray());
        Assert.Equal([float.NaN, 1f], a.Maximum(0f).ToArray());
        Assert.Equal([float.NaN, 0.5f], a.Clip(0f, 0.5f).ToArray());
    }

    [Fact]
    public void Errors_name_the_op_and_what_was_received()
    {
        AssertEx.Throws<ShapeMismatchException>(() => Tensor.Ones(2, 3).Maximum(Tensor.Ones(4)),
            "Maximum: shapes [2, 3] and [4] cannot be broadcast together");
        AssertEx.Throws<ShapeMismatchException>(() => Tensor.Ones(2, 3).Minimum(Tensor.Ones(3, 2)),
            "Minimum: shapes [2, 3] and [3, 2] cannot be broadcast together");
        AssertEx.Throws<ArgumentException>(() => Tensor.Ones(2).Clip(2f, 1f), "Clip: expects min <= max, but received min=2 and max=1.");
        AssertEx.Throws<ArgumentException>(() => Tensor.Ones(2).Clip(float.NaN, 1f), "Clip: expects min <= max", "min=NaN");
    }
}
