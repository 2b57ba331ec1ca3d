using System.Globalization;
using System.Numerics.Tensors;
using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Softmax cross-entropy from logits and integer class ids, fused: loss[n] = −log_softmax(logits[n])[labels[n]]
    /// (Keras's <c>sparse_categorical_crossentropy</c> with <c>from_logits=True</c>, before the batch reduction).
    /// </summary>
    /// <param name="logits">Unnormalised scores of shape [N, C] (more generally [..., C]).</param>
    /// <param name="labels">Class ids of shape [N] (the logits' shape without its last axis), stored as floats holding integers in [0, C).</param>
    /// <returns>The per-sample losses, of shape [N].</returns>
    /// <remarks>
    /// The forward pass is a max-shifted log-sum-exp, so logits of ±1e4 give exact, finite losses. The gradient is
    /// dlogits = (softmax(logits) − onehot(labels))·g[n], computed directly from the saved log-softmax with no
    /// logarithm of a probability anywhere. Labels receive no gradient.
    /// </remarks>
    /// <example>
    /// <code>
    /// Tensor loss = Ops.SparseSoftmaxCrossEntropy(logits, labels);   // [32, 10], [32] -> [32]
    /// </code>
    /// </example>
    /// <exception cref="ShapeMismatchException">The logits are a scalar, or the labels' shape is not the logits' shape without the last axis.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A label is not an integer in [0, C).</exception>
    public static Tensor SparseSoftmaxCrossEntropy(Tensor logits, Tensor labels)
    {
        const string op = "SparseSoftmaxCrossEntropy";
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        int classes = CrossEntropyClasses(op, logits);
        if (!ShapeUtil.SameShape(labels.Dims, logits.Dims[..^1]))
        {
            string expected = ShapeUtil.Format(logits.Dims[..^1]), actual = ShapeUtil.Format(labels.Dims);
            string hint = labels.Size == ShapeUtil.Product(logits.Dims[..^1]) ? $" Reshape them to {expected}." : string.Empty;
            throw new ShapeMismatchException(op, expected, actual,
                $"{op} expects labels of shape {expected} (one class id per row of logits {ShapeUtil.Format(logits.Dims)}), " +
                $"but received labels of shape {actual}.{hint}");
        }

        if ((logits.Memory ?? labels.Memory) is not null)
        {
            return SparseSoftmaxCrossEntropyOnDevice(logits, labels, classes);
        }

        ReadOnlySpan<float> ids = labels.Span;
        CheckLabels(op, ids, classes);
        Tensor logProbs = OpSupport.Empty(logits.Dims);
        Kernels.Softmax.LogSoftmaxRows(logits.Span, logProbs.Span, ids.Length, classes);
        Tensor loss = OpSupport.Empty(labels.Dims);
        ReadOnlySpan<float> lp = logProbs.Span;
        Span<float> l = loss.Span;
        for (int n = 0; n < l.Length; n++)
        {
            l[n] = -lp[(n * classes) + (int)ids[n]];
        }

        if (OpSupport.TapeFor(logits) is { } tape)
        {
            tape.RecordBinary<SparseSoftmaxCrossEntropyNode>(loss, logits, labels).LogProbs = logProbs;
        }

        return loss;
    }

    /// <summary>
    /// Softmax cross-entropy from logits and target distributions, fused: loss[n] = −Σ_c targets[n, c]·log_softmax(logits[n])[c]
    /// (Keras's <c>categorical_crossentropy</c> with <c>from_logits=True</c>, before the batch reduction).
    /// </summary>
    /// <param name="logits">Unnormalised scores of shape [N, C] (more generally [..., C]).</param>
    /// <param name="targets">One-hot or probability targets of the same shape as the logits.</param>
    /// <returns>The per-sample losses, of shape [N].</returns>
    /// <remarks>
    /// Stable for any finite logits (max-shifted log-sum-exp). The gradient is dlogits = (softmax·Σ_c t_c − t)·g[n],
    /// which is (softmax − t)·g[n] for targets that sum to 1; targets, when tracked, get −log_softmax·g[n].
    /// </remarks>
    /// <exception cref="ShapeMismatchException">The logits are a scalar, or the targets' shape differs from the logits'.</exception>
    public static Tensor SoftmaxCrossEntropy(Tensor logits, Tensor targets)
    {
        const string op = "SoftmaxCrossEntropy";
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        int classes = CrossEntropyClasses(op, logits);
        if (!ShapeUtil.SameShape(targets.Dims, logits.Dims))
        {
            string expected = ShapeUtil.Format(logits.Dims), actual = ShapeUtil.Format(targets.Dims);
            string hint = targets.Rank == logits.Rank - 1 ? " For integer class ids use SparseSoftmaxCrossEntropy." : string.Empty;
            throw new ShapeMismatchException(op, expected, actual,
                $"{op} expects targets of the same shape as logits {expected}, but received targets of shape {actual}.{hint}");
        }

        int rows = classes == 0 ? ShapeUtil.Product(logits.Dims[..^1]) : logits.Size / classes;
        if ((logits.Memory ?? targets.Memory) is not null)
        {
            Tensor dLogProbs = OpSupport.Empty(logits.Dims, logits);
            Tensor dLoss = OpSupport.Empty(logits.Dims[..^1], logits);
            Compute.Backend(op, logits, targets).CrossEntropy(logits, targets, dLogProbs, dLoss, rows, classes, sparse: false);
            if (OpSupport.TapeFor(logits, targets) is { } deviceTape)
            {
                deviceTape.RecordBinary<SoftmaxCrossEntropyNode>(dLoss, logits, targets).LogProbs = dLogProbs;
            }

            return dLoss;
        }

        Tensor logProbs = OpSupport.Empty(logits.Dims);
        Kernels.Softmax.LogSoftmaxRows(logits.Span, logProbs.Span, rows, classes);
        Tensor loss = OpSupport.Empty(logits.Dims[..^1]);
        ReadOnlySpan<float> lp = logProbs.Span, t = targets.Span;
        Span<float> l = loss.Span;
        for (int n = 0; n < rows; n++)
        {
            l[n] = -TensorPrimitives.Dot(t.Slice(n * classes, classes), lp.Slice(n * classes, classes));
        }

        if (OpSupport.TapeFor(logits, targets) is { } tape)
        {
            tape.RecordBinary<SoftmaxCrossEntropyNode>(loss, logits, targets).LogProbs = logProbs;
        }

        return loss;
    }

    // The device computes the rows; the labels are checked on the host first (one small copy: the device kernel
    // would give NaN for a bad label rather than an error).
    private static Tensor SparseSoftmaxCrossEntropyOnDevice(Tensor logits, Tensor labels, int classes)
    {
        const string op = "SparseSoftmaxCrossEntropy";
        Devices.DeviceBackend backend = Compute.Backend(op, logits, labels);
        CheckLabels(op, labels.ToArray(), classes);
        int rows = labels.Size;
        Tensor logProbs = OpSupport.Empty(logits.Dims, logits);
        Tensor loss = OpSupport.Empty(labels.Dims, logits);
        backend.CrossEntropy(logits, labels, logProbs, loss, rows, classes, sparse: true);
        if (OpSupport.TapeFor(logits) is { } tape)
        {
            tape.RecordBinary<SparseSoftmaxCrossEntropyNode>(loss, logits, labels).LogProbs = logProbs;
        }

        return loss;
    }

    private static void CheckLabels(string op, ReadOnlySpan<float> ids, int classes)
    {
        for (int n = 0; n < ids.Length; n++)
        {
            float v = ids[n];
            if (!(v >= 0f && v < classes && v == MathF.Floor(v)))
            {
                throw new ArgumentOutOfRangeException("labels",
                    $"{op} expects integer labels in [0, {classes}), but received {v.ToString(CultureInfo.InvariantCulture)} at index {n}.");
            }
        }
    }

    private static int CrossEntropyClasses(string operation, Tensor logits)
    {
        if (logits.Rank == 0)
        {
            throw new ShapeMismatchException(operation, "[batch, classes]", "[]",
                $"{operation} expects logits of shape [batch, classes], but received a scalar (shape []).");
        }

        return logits.Dim(-1);
    }

    private sealed class SparseSoftmaxCrossEntropyNode : BinaryNode
    {
        public Tensor LogProbs = null!;

        public override string Name => "SparseSoftmaxCrossEntropy";

        // loss_n = lse(x_n) − x_n[y_n]: dloss_n/dx_n = softmax(x_n) − onehot(y_n), scaled by g_n.
        // softmax is e^(log_softmax), read from the saved log-probabilities.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor logits = A, labels = B, logProbs = LogProbs;
            if (!tape.NeedsGradient(logits))
            {
                return;
            }

            int classes = logits.Dim(-1);
            if (logProbs.Memory is not null)
            {
                Tensor ddx = OpSupport.Empty(logits.Dims, logProbs);
                Compute.Backend(Name, logProbs, labels, grad).CrossEntropyBackward(logProbs, labels, grad, ddx, labels.Size, classes, sparse: true);
                tape.Accumulate(logits, ddx, owned: true);
                return;
            }

            Tensor dx = OpSupport.Empty(logits.Dims);
            ReadOnlySpan<float> g = grad.Span, ids = labels.Span, lp = logProbs.Span;
            Span<float> d = dx.Span;
            for (int n = 0; n < ids.Length; n++)
            {
                Span<float> row = d.Slice(n * classes, classes);
                TensorPrimitives.Exp(lp.Slice(n * classes, classes), row);
                TensorPrimitives.Multiply(row, g[n], row);
                row[(int)ids[n]] -= g[n];
            }

            tape.Accumulate(logits, dx, owned: true);
        }
    }

    private sealed class SoftmaxCrossEntropyNode : BinaryNode
    {
        public Tensor LogProbs = null!;

        public override string Name => "SoftmaxCrossEntropy";

        // loss_n = −Σ_c t_c·(x_c − lse(x)) = lse(x)·Σ_c t_c − Σ_c t_c·x_c:
        //   dloss_n/dx_n = softmax(x_n)·Σ_c t_c − t_n,   dloss_n/dt_n = −log_softmax(x_n); both scaled by g_n.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor logits = A, targets = B, logProbs = LogProbs;
            int classes = logits.Dim(-1), rows = grad.Size;
            if (logProbs.Memory is not null)
            {
                BackwardOnDevice(grad, tape, rows, classes);
                return;
            }

            ReadOnlySpan<float> g = grad.Span, t = targets.Span, lp = logProbs.Span;
            if (tape.NeedsGradient(logits))
            {
                Tensor dx = OpSupport.Empty(logits.Dims);
                Span<float> d = dx.Span;
                for (int n = 0; n < rows; n++)
                {
                    Span<float> row = d.Slice(n * classes, classes);
                    ReadOnlySpan<float> tr = t.Slice(n * classes, classes);
                    TensorPrimitives.Exp(lp.Slice(n * classes, classes), row);
                    TensorPrimitives.Multiply(row, TensorPrimitives.Sum(tr) * g[n], row);
                    TensorPrimitives.MultiplyAdd(tr, -g[n], row, row);
                }

                tape.Accumulate(logits, dx, owned: true);
            }

            if (tape.NeedsGradient(targets))
            {
                Tensor dt = OpSupport.Empty(targets.Dims);
                Span<float> d = dt.Span;
                for (int n = 0; n < rows; n++)
                {
                    TensorPrimitives.Multiply(lp.Slice(n * classes, classes), -g[n], d.Slice(n * classes, classes));
                }

                tape.Accumulate(targets, dt, owned: true);
            }
        }

        private void BackwardOnDevice(Tensor grad, Tape tape, int rows, int classes)
        {
            Tensor logits = A, targets = B, logProbs = LogProbs;
            if (tape.NeedsGradient(logits))
            {
                Tensor dx = OpSupport.Empty(logits.Dims, logProbs);
                Compute.Backend(Name, logProbs, targets, grad).CrossEntropyBackward(logProbs, targets, grad, dx, rows, classes, sparse: false);
                tape.Accumulate(logits, dx, owned: true);
            }

            if (tape.NeedsGradient(targets))
            {
                // dt = −logProbs·g[n], g seen as a column [rows, 1].
                Tensor column = OpSupport.View(grad, 0, [rows, 1]);
                Tensor dt = OpSupport.Empty(targets.Dims, logProbs);
                Compute.Binary<MultiplyOp>(Name, OpSupport.View(logProbs, 0, [rows, classes]), column, OpSupport.View(dt, 0, [rows, classes]));
                Compute.Negate(Name, dt, dt);
                tape.Accumulate(targets, dt, owned: true);
            }
        }
    }
}
