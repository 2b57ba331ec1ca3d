using Nabla.Autodiff;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class SoftmaxTests
{
    public static TheoryData<int[]> Shapes() => [[6], [4, 5], [2, 3, 7], [3, 1], [2, 19]];

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Softmax_gradients_match_finite_differences(int[] shape)
    {
        // GradCheck projects on a random tensor, so the sum-to-one blind spot of Σy does not hide errors.
        GradCheck.Assert(t => Ops.Softmax(t[0]), [TestData.Uniform(shape, -3f, 3f, seed: shape.Length)]);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LogSoftmax_gradients_match_finite_differences(int[] shape)
    {
        GradCheck.Assert(t => Ops.LogSoftmax(t[0]), [TestData.Uniform(shape, -3f, 3f, seed: shape.Length + 10)]);
    }

    [Fact]
    public void Known_values()
    {
        Tensor x = Tensor.FromArray([1f, 2f, 3f, 0f, 0f, 0f], 2, 3);
        AssertEx.Close([0.09003057f, 0.24472847f, 0.66524096f, 1f / 3, 1f / 3, 1f / 3], [2, 3], Ops.Softmax(x), atol: 1e-7, rtol: 1e-6);
        AssertEx.Close([-2.4076059f, -1.4076059f, -0.40760595f, -1.0986123f, -1.0986123f, -1.0986123f], [2, 3], Ops.LogSoftmax(x), atol: 1e-6, rtol: 1e-6);
    }

    [Fact]
    public void Softmax_gradient_has_the_known_closed_form()
    {
        // y = softmax([0, ln 3]) = [1/4, 3/4]; L = y0: dL/dx = y0·(e0 − y) = [1/4·3/4, −1/4·3/4] = [3/16, −3/16].
        Tensor x = Tensor.FromArray([0f, MathF.Log(3f)], 2);
        using var tape = new GradientTape();
        tape.Watch(x);
        Tensor y0 = Ops.Index(Ops.Softmax(x), 0);
        AssertEx.Close([3f / 16, -3f / 16], tape.Gradient(y0, [x])[0].ToArray(), atol: 1e-7);
    }

    [Fact]
    public void LogSoftmax_equals_log_of_softmax_forward_and_backward()
    {
        Tensor x = TestData.Uniform([3, 11], -4f, 4f, seed: 8);
        Tensor r = TestData.Uniform([3, 11], seed: 9);
        (Tensor fused, Tensor[] dFused) = Gradients.Of(() => Ops.LogSoftmax(x), r, x);
        (Tensor composed, Tensor[] dComposed) = Gradients.Of(() => Ops.Log(Ops.Softmax(x)), r, x);
        AssertEx.Close(composed, fused, atol: 1e-6, rtol: 1e-5);
        AssertEx.Close(dComposed[0], dFused[0], atol: 1e-5, rtol: 1e-4);
    }

    [Fact]
    public void Huge_logits_give_finite_values_and_gradients()
    {
        Tensor x = Tensor.FromArray([1e4f, -1e4f, 0f, 3e4f, 3e4f, -3e4f], 2, 3);
        Tensor r = TestData.Uniform([2, 3], seed: 2);
        foreach (Func<Tensor, Tensor> f in new Func<Tensor, Tensor>[] { t => Ops.Softmax(t), t => Ops.LogSoftmax(t) })
        {
            (Tensor y, Tensor[] dx) = Gradients.Of(() => f(x), r, x);
            Assert.All(y.ToArray(), v => Assert.True(float.IsFinite(v)));
            Assert.All(dx[0].ToArray(), v => Assert.True(float.IsFinite(v)));
        }

        AssertEx.Close([1f, 0f, 0f, 0.5f, 0.5f, 0f], Ops.Softmax(x).ToArray(), atol: 1e-7);
        AssertEx.Close([0f, -2e4f, -1e4f, -0.6931472f, -0.6931472f, -6e4f - 0.6931472f], Ops.LogSoftmax(x).ToArray(), atol: 1e-6, rtol: 1e-7);
    }

    [Fact]
    public void The_last_axis_may_be_named_explicitly()
    {
        Tensor x = TestData.Uniform([2, 3, 4], seed: 5);
        AssertEx.Close(Ops.Softmax(x), Ops.Softmax(x, axis: 2));
        AssertEx.Close(Ops.LogSoftmax(x), Ops.LogSoftmax(x, axis: 2));
    }

    [Fact]
    public void Log_softmax_over_other_axes_out_of_range_axes_and_scalars_are_rejected_with_clear_messages()
    {
        Tensor x = Tensor.Ones(2, 3);
        AssertEx.Throws<ArgumentException>(() => Ops.LogSoftmax(x, axis: 0),
            "LogSoftmax supports only the last axis (axis=-1), but received axis=0 for shape [2, 3].");
        AssertEx.Throws<ArgumentException>(() => Ops.LogSoftmax(x, axis: -2), "LogSoftmax supports only the last axis", "axis=-2");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Ops.Softmax(x, axis: -3), "Softmax: axis -3 is out of range for a tensor of rank 2");
        AssertEx.Throws<ArgumentOutOfRangeException>(() => Ops.Softmax(x, axis: 2), "Softmax: axis 2 is out of range for a tensor of rank 2");
        AssertEx.Throws<ArgumentException>(() => Ops.Softmax(Tensor.Scalar(1f)), "Softmax expects a tensor of rank 1 or more, but received a scalar (shape [])");
    }
}
