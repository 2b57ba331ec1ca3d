using Nabla.Autodiff;
using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Autodiff;

public class Conv2DTransposeTests
{
    // (batch, h, w, c, filters, kh, kw, same, stride, dilation) of the transposed convolution's input.
    public static IEnumerable<object[]> Cases() =>
    [
        [2, 3, 4, 3, 2, 3, 3, false, 1, 1],
        [1, 3, 4, 3, 2, 3, 3, true, 1, 1],
        [2, 3, 3, 2, 3, 3, 2, false, 2, 1],
        [1, 4, 3, 2, 3, 2, 3, true, 2, 1],
        [1, 3, 3, 2, 2, 3, 3, true, 3, 1],
        [2, 4, 4, 2, 2, 2, 3, false, 1, 2],
        [1, 4, 5, 2, 3, 3, 2, true, 1, 2],
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Gradients_match_finite_differences(int n, int h, int w, int c, int f, int kh, int kw, bool same, int stride, int dilation)
    {
        Conv2DGeometry g = Conv2DGeometry.CreateTranspose(n, h, w, c, f, kh, kw, same ? PaddingMode.Same : PaddingMode.Valid, stride, stride, dilation, dilation);
        Tensor x = TestData.Uniform([n, h, w, c], seed: 1);
        Tensor kernel = TestData.Uniform([kh, kw, f, c], seed: 2);
        Tensor bias = TestData.Uniform([f], seed: 3);
        foreach (string activation in new[] { "linear", "tanh", "elu" })
        {
            ActivationDescriptor a = ActivationTable.Parse(activation);
            GradCheck.Assert(t => Ops.Conv2DTranspose(t[0], t[1], t[2], in g, a), [x, kernel, bias]);
        }
    }

    [Fact]
    public void It_is_the_adjoint_of_the_convolution_with_the_same_kernel()
    {
        // <convᵀ(x), u> = <x, conv(u)> for every x and u: the defining property of the transposed convolution.
        Conv2DGeometry g = Conv2DGeometry.CreateTranspose(2, 4, 3, 3, 5, 3, 3, PaddingMode.Same, 2, 2);
        Tensor x = TestData.Uniform([2, 4, 3, 3], seed: 4), kernel = TestData.Uniform([3, 3, 5, 3], seed: 5);
        Tensor y = Ops.Conv2DTranspose(x, kernel, null, in g, ActivationTable.Linear);
        Assert.Equal([2, 8, 6, 5], y.Shape);
        Tensor u = TestData.Uniform([2, 8, 6, 5], seed: 6);
        Tensor cu = Ops.Conv2D(u, kernel, null, in g, ActivationTable.Linear);
        double left = Dot(y, u), right = Dot(x, cu);
        Assert.True(Math.Abs(left - right) <= 1e-4 * Math.Abs(right), $"<convT(x), u> = {left}, <x, conv(u)> = {right}");
    }

    [Fact]
    public void Hand_computed_stride_2_scatter()
    {
        // One pixel per input position, stride 2, a 2×2 kernel of ones, valid: each input value fills its own 2×2
        // block of the 4×4 output (1, 2 / 3, 4 in blocks), plus the bias 0.5.
        Conv2DGeometry g = Conv2DGeometry.CreateTranspose(1, 2, 2, 1, 1, 2, 2, PaddingMode.Valid, 2, 2);
        Tensor x = Tensor.FromArray([1f, 2f, 3f, 4f], 1, 2, 2, 1);
        Tensor y = Ops.Conv2DTranspose(x, Tensor.Ones(2, 2, 1, 1), Tensor.FromArray([0.5f], 1), in g, ActivationTable.Linear);
        AssertEx.Close(
            [1.5f, 1.5f, 2.5f, 2.5f, 1.5f, 1.5f, 2.5f, 2.5f, 3.5f, 3.5f, 4.5f, 4.5f, 3.5f, 3.5f, 4.5f, 4.5f], [1, 4, 4, 1], y);
    }

    private static double Dot(Tensor a, Tensor b)
    {
        float[] x = a.ToArray(), y = b.ToArray();
        double s = 0;
        for (int i = 0; i < x.Length; i++)
        {
            s += (double)x[i] * y[i];
        }

        return s;
    }
}
