using Nabla.Autodiff;
using Nabla.Kernels;
using Nabla.Tests.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class Conv2DTests
{
    // (batch, h, w, c, filters, kh, kw, same, stride, dilation, groups): every padding, stride, dilation and group case
    // a layer offers (Keras refuses strides > 1 together with dilation > 1), odd sizes, batch 1.
    public static IEnumerable<object[]> Cases() =>
    [
        [2, 5, 6, 3, 4, 3, 3, false, 1, 1, 1],
        [1, 5, 6, 3, 4, 3, 3, true, 1, 1, 1],
        [2, 7, 6, 2, 3, 3, 2, false, 2, 1, 1],
        [1, 7, 5, 2, 3, 2, 3, true, 2, 1, 1],
        [2, 7, 7, 2, 2, 3, 3, false, 1, 2, 1],
        [1, 6, 7, 3, 2, 2, 3, true, 1, 2, 1],
        [2, 5, 5, 4, 6, 3, 3, true, 1, 1, 2],
        [1, 6, 6, 4, 4, 3, 3, false, 2, 1, 4],
        [2, 5, 6, 3, 6, 3, 3, true, 1, 1, 3],
        [1, 4, 9, 1, 5, 1, 3, false, 1, 1, 1],
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(int n, int h, int w, int c, int f, int kh, int kw, bool same, int stride, int dilation, int groups)
    {
        Conv2DGeometry g = Conv2DGeometry.Create(n, h, w, c, f, kh, kw, same ? PaddingMode.Same : PaddingMode.Valid, stride, stride, dilation, dilation, groups);
        Tensor x = TestData.Uniform([n, h, w, c], seed: 1);
        Tensor kernel = TestData.Uniform([kh, kw, c / groups, f], seed: 2);
        Tensor bias = TestData.Uniform([f], seed: 3);
        foreach (string activation in new[] { "linear", "tanh", "elu" })
        {
            ActivationDescriptor a = ActivationTable.Parse(activation);
            GradCheck.Assert(t => Ops.Conv2D(t[0], t[1], t[2], in g, a), [x, kernel, bias]);
        }
    }

    [Fact]
    public void Forward_matches_the_naive_convolution_with_bias()
    {
        var c = new ConvCase(2, 7, 6, 4, 6, 3, 2, Same: true, Stride: 2, Dilation: 1, Groups: 2);
        Conv2DGeometry g = Conv2DGeometry.Create(c.Batch, c.H, c.W, c.C, c.Filters, c.KH, c.KW, PaddingMode.Same, c.SH, c.SW, 1, 1, c.Groups);
        float[] x = ConvReference.Random(c.InputLength, 1), w = ConvReference.Random(c.KernelLength, 2), b = ConvReference.Random(c.Filters, 3);
        Tensor y = Ops.Conv2D(Tensor.FromArray(x, c.Batch, c.H, c.W, c.C), Tensor.FromArray(w, c.KernelLength), Tensor.FromArray(b, c.Filters), in g, ActivationTable.Linear);
        Assert.Equal([c.Batch, c.RowsOut.Out, c.ColsOut.Out, c.Filters], y.Shape);
        ConvReference.AssertClose(ConvReference.Forward(c, x, w, b), y.AsReadOnlySpan(), 1e-5, 1e-5, "y");
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("softmax")]
    [InlineData("elu")]
    [InlineData("gelu")]
    public void Fused_activation_equals_the_convolution_then_the_activation_forward_and_backward(string activation)
    {
        Conv2DGeometry g = Conv2DGeometry.Create(2, 6, 5, 3, 7, 3, 3, PaddingMode.Same);
        Tensor x = TestData.Uniform([2, 6, 5, 3], seed: 4), kernel = TestData.Uniform([3, 3, 3, 7], seed: 5), bias = TestData.Uniform([7], seed: 6);
        Tensor r = TestData.Uniform([2, 6, 5, 7], seed: 7);
        ActivationDescriptor a = ActivationTable.Parse(activation);

        (Tensor fused, Tensor[] gFused) = Gradients.Of(() => Ops.Conv2D(x, kernel, bias, in g, a), r, x, kernel, bias);
        (Tensor composed, Tensor[] gComposed) = Gradients.Of(() => a.Apply(Ops.Conv2D(x, kernel, bias, in g, ActivationTable.Linear)), r, x, kernel, bias);

        AssertEx.Close(composed, fused, atol: 1e-6, rtol: 1e-5);
        for (int i = 0; i < 3; i++)
        {
            AssertEx.Close(gComposed[i], gFused[i], atol: 1e-5, rtol: 1e-4);
        }
    }

    [Fact]
    public void Hand_computed_relu_convolution_and_its_gradients()
    {
        // x is one 3×3 image, channel 1: [[1, 2, 3], [4, 5, 6], [7, 8, 9]]; a 2×2 kernel [[1, 0], [0, −1]], bias 0.5,
        // valid: z = x[i, j] − x[i+1, j+1] + 0.5 = −4 + 0.5 = −3.5 everywhere, so relu gives 0 and no gradient
        // reaches x or the kernel; with kernel [[0, 0], [0, 1]] instead, z = x[i+1, j+1] + 0.5 = [[5.5, 6.5], [8.5, 9.5]].
        // With L = Σ y: dKernel[a, b] = Σ_{i,j} x[i+a, j+b] = [[12, 16], [24, 28]], dBias = 4,
        // dx = the kernel's taps scattered: dx[i+1, j+1] += 1 → [[0, 0, 0], [0, 1, 1], [0, 1, 1]].
        Tensor x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f, 7f, 8f, 9f], 1, 3, 3, 1);
        Conv2DGeometry g = Conv2DGeometry.Create(1, 3, 3, 1, 1, 2, 2, PaddingMode.Valid);
        Tensor bias = Tensor.FromArray([0.5f], 1);
        Tensor dead = Ops.Conv2D(x, Tensor.FromArray([1f, 0f, 0f, -1f], 2, 2, 1, 1), bias, in g, ActivationTable.Relu);
        Assert.Equal([0f, 0f, 0f, 0f], dead.ToArray());

        Tensor kernel = Tensor.FromArray([0f, 0f, 0f, 1f], 2, 2, 1, 1);
        (Tensor y, Tensor[] grads) = Gradients.Of(() => Ops.Conv2D(x, kernel, bias, in g, ActivationTable.Relu), Tensor.Ones(1, 2, 2, 1), x, kernel, bias);
        AssertEx.Close([5.5f, 6.5f, 8.5f, 9.5f], [1, 2, 2, 1], y);
        AssertEx.Close([0f, 0f, 0f, 0f, 1f, 1f, 0f, 1f, 1f], [1, 3, 3, 1], grads[0]);
        AssertEx.Close([12f, 16f, 24f, 28f], [2, 2, 1, 1], grads[1]);
        AssertEx.Close([4f], [1], grads[2]);
    }
}
