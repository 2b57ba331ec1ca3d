using Nabla.Tensors;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// The transpose of a matrix, [m, n] → [n, m], as a new tensor (Keras's <c>ops.transpose</c> for 2-D).
    /// Like NumPy, a vector or scalar is its own transpose and is returned as is.
    /// </summary>
    /// <param name="x">The matrix (rank 2), or a tensor of rank 0 or 1.</param>
    /// <exception cref="ShapeMismatchException"><paramref name="x"/> has rank above 2.</exception>
    public static Tensor Transpose(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank < 2)
        {
            return x;
        }

        if (x.Rank > 2)
        {
            string s = ShapeUtil.Format(x.Dims);
            throw new ShapeMismatchException("Transpose", "a matrix [m, n]", s,
                $"Transpose: expects a 2-D tensor (or a vector or scalar), but received shape {s} (rank {x.Rank}). " +
                "Reshape it to 2-D first, or use MatMul's batched form instead of transposing a batch.");
        }

        int rows = x.Dim(0), cols = x.Dim(1);
        Tensor y = OpSupport.Empty([cols, rows], x);
        TransposeMatrix(x, rows, cols, y);
        OpSupport.TapeFor(x)?.RecordUnary<TransposeNode>(y, x);
        return y;
    }

    private static void TransposeMatrix(Tensor x, int rows, int cols, Tensor y)
    {
        if (x.Memory is null)
        {
            Kernels.Transpose.Matrix(x.Span, rows, cols, y.Span);
            return;
        }

        Compute.Backend("Transpose", x, y).Transpose(x, rows, cols, y);
    }

    private sealed class TransposeNode : UnaryNode
    {
        public override string Name => "Transpose";

        // Y = Xᵀ: dL/dX = Gᵀ.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor x = X;
            if (!tape.NeedsGradient(x))
            {
                return;
            }

            Tensor dx = OpSupport.Empty(x.Dims, grad);
            TransposeMatrix(grad, grad.Dim(0), grad.Dim(1), dx);
            tape.Accumulate(x, dx, owned: true);
        }
    }
}
