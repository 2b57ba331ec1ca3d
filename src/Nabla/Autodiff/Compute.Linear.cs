using Nabla.Kernels;

namespace Nabla.Autodiff;

// Matrix products and the fused activations (with a bias) of the dense and activation ops.
internal static partial class Compute
{
    /// <summary>C = op(A)·op(B), row-major with leading dimensions, as <see cref="Kernels.Gemm.Multiply"/>.</summary>
    public static void Gemm(string op, bool transposeA, bool transposeB, int m, int n, int k,
        Tensor a, int lda, Tensor b, int ldb, Tensor c, int ldc)
    {
        if ((a.Memory ?? b.Memory ?? c.Memory) is null)
        {
            Kernels.Gemm.Multiply(transposeA, transposeB, m, n, k, a.Span, lda, b.Span, ldb, c.Span, ldc);
            return;
        }

        Backend(op, a, b, c).Gemm(transposeA, transposeB, 1, m, n, k, a, lda, 0, b, ldb, 0, c, ldc, 0);
    }

    /// <summary>Batched C_i = op(A_i)·op(B_i), as <see cref="Kernels.Gemm.MultiplyBatched"/>.</summary>
    public static void GemmBatched(string op, bool transposeA, bool transposeB, int batch, int m, int n, int k,
        Tensor a, int lda, int strideA, Tensor b, int ldb, int strideB, Tensor c, int ldc, int strideC)
    {
        if ((a.Memory ?? b.Memory ?? c.Memory) is null)
        {
            Kernels.Gemm.MultiplyBatched(transposeA, transposeB, batch, m, n, k, a.Span, lda, strideA, b.Span, ldb, strideB, c.Span, ldc, strideC);
            return;
        }

        Backend(op, a, b, c).Gemm(transposeA, transposeB, batch, m, n, k, a, lda, strideA, b, ldb, strideB, c, ldc, strideC);
    }

    /// <summary>The activation's fused forward (bias and pre-activation optional), as <see cref="ActivationDescriptor.Forward"/>.</summary>
    public static void ActivationForward(string op, ActivationDescriptor f, Tensor x, Tensor? bias, Tensor y, Tensor? pre, int cols)
    {
        if ((x.Memory ?? y.Memory) is null)
        {
            f.Forward(x.Span, bias is null ? default : bias.Span, y.Span, pre is null ? default : pre.Span, cols);
            return;
        }

        Backend(op, x, y, bias, pre).ActivationForward(f, x, bias, y, pre, cols);
    }

    /// <summary>The activation's fused backward (bias gradient optional), as <see cref="ActivationDescriptor.Backward"/>.</summary>
    public static void ActivationBackward(string op, ActivationDescriptor f, Tensor g, Tensor v, Tensor dx, Tensor? biasGrad, int cols)
    {
        if ((g.Memory ?? v.Memory ?? dx.Memory) is null)
        {
            f.Backward(g.Span, v.Span, dx.Span, biasGrad is null ? default : biasGrad.Span, cols);
            return;
        }

        Backend(op, g, v, dx, biasGrad).ActivationBackward(f, g, v, dx, biasGrad, cols);
    }
}
