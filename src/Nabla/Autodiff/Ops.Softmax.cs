using Nabla.Tensors;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Softmax along an axis: e^(x − m) / Σ e^(x − m) over every slice along <paramref name="axis"/>, m the slice's
    /// maximum (Keras <c>activations.softmax</c>). Stable for any finite logits; −∞ entries get probability 0.
    /// </summary>
    /// <param name="x">Logits of rank 1 or more; every slice along <paramref name="axis"/> is normalised on its own.</param>
    /// <param name="axis">The axis to normalise over; negative counts from the end. Default -1.</param>
    /// <returns>
    /// A tensor of the same shape whose slices along <paramref name="axis"/> sum to 1. Over the last axis the result
    /// keeps a link to its logits, so the cross-entropy losses use the exact form.
    /// </returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is a scalar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the tensor's rank.</exception>
    public static Tensor Softmax(Tensor x, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.Rank > 1 && ShapeUtil.NormalizeAxis("Softmax", axis, x.Rank) is int a && a != x.Rank - 1)
        {
            return SoftmaxAlongAxis(x, a);
        }

        int cols = LastAxisLength("Softmax", x, axis), rows = cols == 0 ? 0 : x.Size / cols;
        Tensor y = OpSupport.Empty(x.Dims, x);
        Compute.Softmax("Softmax", x, y, rows, cols, log: false);
        y.KerasLogits = x;
        OpSupport.TapeFor(x)?.RecordUnary<SoftmaxNode>(y, x);
        return y;
    }

    /// <summary>
    /// Log-softmax over the last axis: (x − m) − ln Σ e^(x − m) per row, m the row's maximum (Keras
    /// <c>activations.log_softmax</c>). Exact for logits as large as ±1e4, where log(softmax(x)) would give −∞.
    /// </summary>
    /// <param name="x">Logits of rank 1 or more.</param>
    /// <param name="axis">The axis to normalise over. Default -1; only the last axis is supported.</param>
    /// <returns>A tensor of the same shape holding log-probabilities (≤ 0).</returns>
    /// <exception cref="ArgumentException"><paramref name="x"/> is a scalar, or <paramref name="axis"/> is not the last axis.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the tensor's rank.</exception>
    public static Tensor LogSoftmax(Tensor x, int axis = -1)
    {
        ArgumentNullException.ThrowIfNull(x);
        int cols = LastAxisLength("LogSoftmax", x, axis), rows = cols == 0 ? 0 : x.Size / cols;
        Tensor y = OpSupport.Empty(x.Dims, x);
        Compute.Softmax("LogSoftmax", x, y, rows, cols, log: true);
        OpSupport.TapeFor(x)?.RecordUnary<LogSoftmaxNode>(y, x);
        return y;
    }

    private static int LastAxisLength(string operation, Tensor x, int axis)
    {
        if (x.Rank == 0)
        {
            throw new ArgumentException(
                $"{operation} expects a tensor of rank 1 or more, but received a scalar (shape []). Reshape it to [1] first.", nameof(x));
        }

        int a = ShapeUtil.NormalizeAxis(operation, axis, x.Rank);
        if (a != x.Rank - 1)
        {
            throw new ArgumentException(
                $"{operation} supports only the last axis (axis=-1), but received axis={axis} for shape {ShapeUtil.Format(x.Dims)}. " +
                "Transpose the axis to the end first.", nameof(axis));
        }

        return x.Dim(-1);
    }

    private sealed class SoftmaxNode : UnaryNode
    {
        public override string Name => "Softmax";

        // y = softmax(x) per row: dy_i/dx_j = y_i(δ_ij − y_j), so dL/dx = y ⊙ (g − Σ_j g_j·y_j).
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor x = X, y = Output;
            if (!tape.NeedsGradient(x))
            {
                return;
            }

            int cols = x.Dim(-1), rows = cols == 0 ? 0 : x.Size / cols;
            Tensor dx = OpSupport.Empty(x.Dims, grad);
            Compute.SoftmaxBackward("Softmax", y, grad, dx, rows, cols, log: false);
            tape.Accumulate(x, dx, owned: true);
        }
    }

    private sealed class LogSoftmaxNode : UnaryNode
    {
        public override string Name => "LogSoftmax";

        // y = log_softmax(x) per row: dy_i/dx_j = δ_ij − softmax_j, so dL/dx = g − e^y·Σ_i g_i.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor x = X, y = Output;
            if (!tape.NeedsGradient(x))
            {
                return;
            }

            int cols = x.Dim(-1), rows = cols == 0 ? 0 : x.Size / cols;
            Tensor dx = OpSupport.Empty(x.Dims, grad);
            Compute.SoftmaxBackward("LogSoftmax", y, grad, dx, rows, cols, log: true);
            tape.Accumulate(x, dx, owned: true);
        }
    }
}
