using Nabla.Tensors;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Elementwise binary cross-entropy of <paramref name="targets"/> (in [0, 1]) against the probabilities
    /// sigmoid(<paramref name="logits"/>), computed stably from the logits (TensorFlow's
    /// <c>sigmoid_cross_entropy_with_logits</c>): max(x, 0) − x·z + log(1 + exp(−|x|)).
    /// </summary>
    /// <exception cref="ShapeMismatchException">The two shapes differ.</exception>
    public static Tensor SigmoidCrossEntropy(Tensor logits, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(targets);
        if (!ShapeUtil.SameShape(logits.Dims, targets.Dims))
        {
            string l = ShapeUtil.Format(logits.Dims), t = ShapeUtil.Format(targets.Dims);
            throw new ShapeMismatchException(nameof(SigmoidCrossEntropy), l, t,
                $"SigmoidCrossEntropy expects targets of the logits' shape {l}, but received {t}.");
        }

        Tensor y = OpSupport.Empty(logits.Dims, logits);
        if ((logits.Memory ?? targets.Memory) is not null)
        {
            // On a device: softplus(x) − x·z, the same value (log(1 + e^(−|x|)) + max(x, 0) is softplus).
            Devices.DeviceBackend device = Compute.Backend("SigmoidCrossEntropy", logits, targets);
            Tensor xz = OpSupport.Empty(logits.Dims, logits);
            device.ActivationForward(ActivationTable.Softplus, logits, null, y, null, 0);
            device.Binary(Devices.BinaryKind.Multiply, logits, targets, xz);
            device.Binary(Devices.BinaryKind.Subtract, y, xz, y);
            OpSupport.TapeFor(logits, targets)?.RecordBinary<SigmoidCrossEntropyNode>(y, logits, targets);
            return y;
        }

        ReadOnlySpan<float> x = logits.Span, z = targets.Span;
        Span<float> o = y.Span;
        for (int i = 0; i < o.Length; i++)
        {
            float xi = x[i];
            o[i] = MathF.Max(xi, 0f) - (xi * z[i]) + MathF.Log(1f + MathF.Exp(-MathF.Abs(xi)));
        }

        OpSupport.TapeFor(logits, targets)?.RecordBinary<SigmoidCrossEntropyNode>(y, logits, targets);
        return y;
    }

    private sealed class SigmoidCrossEntropyNode : BinaryNode
    {
        public override string Name => "SigmoidCrossEntropy";

        // L = max(x,0) − x·z + log(1 + e^(−|x|)):  dL/dx = sigmoid(x) − z,  dL/dz = −x.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor logits = A, targets = B;
            if (grad.Memory is not null)
            {
                BackwardOnDevice(grad, tape);
                return;
            }

            ReadOnlySpan<float> x = logits.Span, z = targets.Span, g = grad.Span;
            if (tape.NeedsGradient(logits))
            {
                Tensor dx = OpSupport.Empty(logits.Dims);
                Span<float> d = dx.Span;
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = ((1f / (1f + MathF.Exp(-x[i]))) - z[i]) * g[i];
                }

                tape.Accumulate(logits, dx, owned: true);
            }

            if (tape.NeedsGradient(targets))
            {
                Tensor dz = OpSupport.Empty(targets.Dims);
                Span<float> d = dz.Span;
                for (int i = 0; i < d.Length; i++)
                {
                    d[i] = -x[i] * g[i];
                }

                tape.Accumulate(targets, dz, owned: true);
            }
        }

        private void BackwardOnDevice(Tensor grad, Tape tape)
        {
            Tensor logits = A, targets = B;
            Devices.DeviceBackend device = Compute.Backend(Name, logits, targets, grad);
            if (tape.NeedsGradient(logits))
            {
                Tensor dx = OpSupport.Empty(logits.Dims, grad);
                device.ActivationForward(ActivationTable.Sigmoid, logits, null, dx, null, 0);
                device.Binary(Devices.BinaryKind.Subtract, dx, targets, dx);
                device.Binary(Devices.BinaryKind.Multiply, dx, grad, dx);
                tape.Accumulate(logits, dx, owned: true);
            }

            if (tape.NeedsGradient(targets))
            {
                Tensor dz = OpSupport.Empty(targets.Dims, grad);
                device.Binary(Devices.BinaryKind.Multiply, logits, grad, dz);
                device.Unary(Devices.UnaryKind.Negate, dz, dz);
                tape.Accumulate(targets, dz, owned: true);
            }
        }
    }
}
