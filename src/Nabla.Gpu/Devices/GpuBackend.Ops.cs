using ILGPU;
using Nabla.Autodiff;
using Nabla.Devices;
using Nabla.Gpu.Kernels;

namespace Nabla.Gpu.Devices;

// The elementwise, GEMM, activation, reduction, softmax and cross-entropy families on the kernel library.
internal sealed partial class GpuBackend
{
    /// <inheritdoc/>
    public override void Binary(BinaryKind op, Tensor a, Tensor b, Tensor y)
    {
        if (y.Size == 0)
        {
            return;
        }

        Enter();
        if (a.Size == y.Size && b.Size == y.Size)
        {
            Kernels.Elementwise.Binary((BinaryOp)op, View(a), View(b), View(y), y.Size);
        }
        else
        {
            Kernels.Elementwise.Broadcast((BinaryOp)op, View(a), a.Dims, View(b), b.Dims, View(y), y.Dims);
        }
    }

    /// <inheritdoc/>
    public override void Scalar(BinaryKind op, Tensor a, float s, Tensor y, bool scalarLeft)
    {
        if (y.Size == 0)
        {
            return;
        }

        Enter();
        Kernels.Elementwise.Scalar((BinaryOp)op, View(a), s, View(y), y.Size, scalarLeft);
    }

    /// <inheritdoc/>
    public override void Unary(UnaryKind op, Tensor x, Tensor y)
    {
        if (y.Size == 0)
        {
            return;
        }

        Enter();
        Kernels.Elementwise.Unary((UnaryOp)op, View(x), View(y), y.Size);
    }

    /// <inheritdoc/>
    public override void SumTo(Tensor src, Tensor dst)
    {
        if (dst.Size == 0)
        {
            return;
        }

        Enter();
        Kernels.Elementwise.SumTo(View(src), src.Dims, View(dst), dst.Dims);
    }

    /// <inheritdoc/>
    public override void Gemm(bool transposeA, bool transposeB, int batch, int m, int n, int k,
        Tensor a, int lda, long strideA, Tensor b, int ldb, long strideB, Tensor c, int ldc, long strideC)
    {
        if (batch == 0 || m == 0 || n == 0)
        {
            return;
        }

        Enter();
        if (k == 0)
        {
            Kernels.Elementwise.Fill(View(c), c.Size, 0f);
            return;
        }

        Kernels.Gemm.MultiplyBatched(transposeA, transposeB, batch, m, n, k, View(a), lda, strideA, View(b), ldb, strideB, View(c), ldc, strideC);
    }

    /// <inheritdoc/>
    public override void ActivationForward(ActivationDescriptor activation, Tensor x, Tensor? bias, Tensor y, Tensor? pre, int cols)
    {
        int n = y.Size, rows = cols == 0 ? 0 : n / cols;
        if (n == 0)
        {
            return;
        }

        Enter();
        if (activation is SoftmaxActivation)
        {
            if (bias is not null)
            {
                Kernels.Rows.BiasSoftmax(View(x), View(bias), View(y), ViewOrEmpty(pre), rows, cols);
                return;
            }

            if (pre is not null)
            {
                Copy(x, pre);
            }

            Kernels.Rows.Softmax(View(x), View(y), rows, cols);
            return;
        }

        GpuActivation f = GpuActivation.From(activation);
        if (bias is not null)
        {
            Kernels.Activations.BiasForward(f, View(x), View(bias), View(y), ViewOrEmpty(pre), rows, cols);
            return;
        }

        if (pre is not null)
        {
            Copy(x, pre);
        }

        if (f.Function == GpuActivation.Code.Linear)
        {
            if (!ReferenceEquals(x, y))
            {
                Copy(x, y);
            }

            return;
        }

        Kernels.Activations.Forward(f, View(x), View(y), n);
    }

    /// <inheritdoc/>
    public override void ActivationBackward(ActivationDescriptor activation, Tensor g, Tensor v, Tensor dx, Tensor? biasGrad, int cols)
    {
        int n = g.Size, rows = cols == 0 ? 0 : n / cols;
        Enter();
        if (n == 0)
        {
            if (biasGrad is not null)
            {
                Fill(biasGrad, 0f);
            }

            return;
        }

        if (activation is SoftmaxActivation)
        {
            Kernels.Rows.SoftmaxBackward(View(v), View(g), View(dx), rows, cols);
        }
        else if (GpuActivation.From(activation) is { Function: GpuActivation.Code.Linear })
        {
            Copy(g, dx);
        }
        else
        {
            Kernels.Activations.Backward(GpuActivation.From(activation), View(g), View(v), View(dx), n);
        }

        if (biasGrad is not null)
        {
            Kernels.Reductions.ColumnSums(View(dx), rows, cols, View(biasGrad));
        }
    }

    /// <inheritdoc/>
    public override void ArgExtremum(Tensor x, int outer, int n, int inner, Tensor indices, bool max)
    {
        if (indices.Size == 0)
        {
            return;
        }

        Enter();
        Kernels.Reductions.ArgExtremum(View(x), outer, n, inner, View(indices), max);
    }

    /// <inheritdoc/>
    public override void Sum(Tensor x, int outer, int n, int inner, Tensor y, float scale)
    {
        if (y.Size == 0)
        {
            return;
        }

        Enter();
        Kernels.Reductions.Sum(View(x), outer, n, inner, View(y), scale);
    }

    /// <inheritdoc/>
    public override void Extremum(Tensor x, int outer, int n, int inner, Tensor y, bool max)
    {
        if (y.Size == 0)
        {
            return;
        }

        Enter();
        if (max)
        {
            Kernels.Reductions.Max(View(x), outer, n, inner, View(y));
        }
        else
        {
            Kernels.Reductions.Min(View(x), outer, n, inner, View(y));
        }
    }

    /// <inheritdoc/>
    public override void ExtremumBackward(Tensor x, Tensor y, Tensor g, int outer, int n, int inner, Tensor dx)
    {
        if (dx.Size == 0)
        {
            return;
        }

        Enter();
        Kernels.Reductions.ExtremumBackward(View(x), View(y), View(g), outer, n, inner, View(dx));
    }

    /// <inheritdoc/>
    public override void Spread(Tensor g, int outer, int n, int inner, float scale, Tensor dx)
    {
        if (dx.Size == 0)
        {
            return;
        }

        Enter();
        Kernels.Reductions.Spread(View(g), outer, n, inner, scale, View(dx));
    }

    /// <inheritdoc/>
    public override void Softmax(Tensor x, Tensor y, int rows, int cols, bool log)
    {
        if (y.Size == 0)
        {
            return;
        }

        Enter();
        if (log)
        {
            Kernels.Rows.LogSoftmax(View(x), View(y), rows, cols);
        }
        else
        {
            Kernels.Rows.Softmax(View(x), View(y), rows, cols);
        }
    }

    /// <inheritdoc/>
    public override void SoftmaxBackward(Tensor y, Tensor g, Tensor dx, int rows, int cols, bool log)
    {
        if (dx.Size == 0)
        {
            return;
        }

        Enter();
        if (log)
        {
            Kernels.Rows.LogSoftmaxBackward(View(y), View(g), View(dx), rows, cols);
        }
        else
        {
            Kernels.Rows.SoftmaxBackward(View(y), View(g), View(dx), rows, cols);
        }
    }

    /// <inheritdoc/>
    public override void CrossEntropy(Tensor logits, Tensor targets, Tensor logProbs, Tensor loss, int rows, int cols, bool sparse)
    {
        if (logits.Size == 0)
        {
            return;
        }

        Enter();
        if (sparse)
        {
            Kernels.Rows.SparseCrossEntropy(View(logits), View(targets), View(logProbs), View(loss), rows, cols);
        }
        else
        {
            Kernels.Rows.CrossEntropy(View(logits), View(targets), View(logProbs), View(loss), rows, cols);
        }
    }

    /// <inheritdoc/>
    public override void CrossEntropyBackward(Tensor logProbs, Tensor targets, Tensor g, Tensor dx, int rows, int cols, bool sparse)
    {
        if (dx.Size == 0)
        {
            return;
        }

        Enter();
        if (sparse)
        {
            Kernels.Rows.SparseCrossEntropyBackward(View(logProbs), View(targets), View(g), View(dx), rows, cols);
        }
        else
        {
            Kernels.Rows.CrossEntropyBackward(View(logProbs), View(targets), View(g), View(dx), rows, cols);
        }
    }
}
