using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class L2NormalizeTests
{
    [Fact]
    public void Hand_computed_unit_vectors_along_each_axis()
    {
        Tensor x = Tensor.FromArray([3f, 4f, 0f, 5f], 2, 2);

        // Rows: [3, 4]/5 and [0, 5]/5. Columns: [3, 0]/3 and [4, 5]/√41.
        AssertEx.Close([0.6f, 0.8f, 0f, 1f], Ops.L2Normalize(x).ToArray(), atol: 1e-7);
        float r41 = 1f / MathF.Sqrt(41f);
        AssertEx.Close([1f, 4f * r41, 0f, 5f * r41], Ops.L2Normalize(x, axis: 0).ToArray(), atol: 1e-7);
    }

    [Fact]
    public void A_zero_slice_stays_zero_and_its_gradient_is_finite()
    {
        // Below epsilon the scale is the constant 1/ε (Keras: x·min(rsqrt(Σx²), 1/ε)), so y = x/ε and dy/dx = 1/ε.
        Tensor x = Tensor.FromArray([0f, 0f, 1e-9f, 0f], 2, 2);
        (Tensor y, Tensor[] g) = Gradients.Of(() => Ops.L2Normalize(x), Tensor.Ones(2, 2), x);
        AssertEx.Close([0f, 0f, 1e-2f, 0f], y.ToArray(), atol: 1e-9, rtol: 1e-5);
        AssertEx.Close([1e7f, 1e7f, 1e7f, 1e7f], g[0].ToArray(), rtol: 1e-5);
    }

    [Theory]
    [InlineData(new[] { 3, 4 }, -1)]
    [InlineData(new[] { 3, 4 }, 0)]
    [InlineData(new[] { 2, 3, 4 }, 1)]
    [InlineData(new[] { 2, 1, 3 }, 2)]
    public void Gradients_match_finite_differences(int[] shape, int axis)
    {
        GradCheck.Assert(t => Ops.L2Normalize(t[0], axis), [TestData.AwayFromZero(shape, 0.2f, 1f, seed: 5)]);
    }

    [Fact]
    public void Bad_arguments_are_rejected_with_clear_messages()
    {
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Ops.L2Normalize(Tensor.Ones(2, 3), axis: 2), "L2Normalize: axis 2 is out of range for a tensor of rank 2");
        AssertEx.Throws<ArgumentException>(() => Ops.L2Normalize(Tensor.Scalar(1f)), "L2Normalize expects a tensor of rank 1 or more");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Ops.L2Normalize(Tensor.Ones(2), epsilon: 0f), "L2Normalize: epsilon must be positive, but received 0.");
    }
}
