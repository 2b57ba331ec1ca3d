using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autodiff;

// Powers: x^p with a constant exponent, and a^b elementwise with NumPy broadcasting.
public static partial class Ops
{
    /// <summary>Every element raised to <paramref name="exponent"/> (Keras's <c>ops.power</c> with a scalar exponent).</summary>
    /// <param name="x">The bases.</param>
    /// <param name="exponent">The exponent; a negative base with a non-integer exponent gives NaN.</param>
    public static Tensor Pow(Tensor x, float exponent)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = OpSupport.Empty(x.Dims, x);
        if (x.Memory is null)
        {
            TensorPrimitives.Pow(x.Span, exponent, y.Span);
        }
        else
        {
            Compute.ScalarRight<PowOp>("Pow", x, exponent, y);
        }

        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<PowScalarNode>(y, x).Exponent = exponent;
        }

        return y;
    }

    /// <summary>
    /// Elementwise a^b with NumPy broadcasting (Keras's <c>ops.power</c>). The gradient with respect to b uses
    /// ln a only where a &gt; 0 and 0 elsewhere, as TensorFlow does.
    /// </summary>
    /// <param name="x">The bases.</param>
    /// <param name="exponent">The exponents; the shape must broadcast with <paramref name="x"/>'s.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor Pow(Tensor x, Tensor exponent)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(exponent);
        Tensor y = OpSupport.Binary<PowOp>("Pow", x, exponent);
        OpSupport.TapeFor(x, exponent)?.RecordBinary<PowNode>(y, x, exponent);
        return y;
    }

    private sealed class PowScalarNode : UnaryNode
    {
        public float Exponent;

        public override string Name => "Pow";

        // y = xᵖ: dL/dx = g·p·xᵖ⁻¹ (nothing when p = 0, where y is constant).
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor x = X;
            float p = Exponent;
            if (!tape.NeedsGradient(x) || p == 0f)
            {
                return;
            }

            Tensor dx = OpSupport.Empty(x.Dims, grad);
            if (grad.Memory is null)
            {
                TensorPrimitives.Pow(x.Span, p - 1f, dx.Span);
                TensorPrimitives.Multiply(dx.Span, grad.Span, dx.Span);
                TensorPrimitives.Multiply(dx.Span, p, dx.Span);
            }
            else
            {
                Compute.ScalarRight<PowOp>(Name, x, p - 1f, dx);
                Compute.Multiply(Name, dx, grad, dx);
                Compute.ScalarRight<MultiplyOp>(Name, dx, p, dx);
            }

            tape.Accumulate(x, dx, owned: true);
        }
    }

    private sealed class PowNode : BinaryNode
    {
        public override string Name => "Pow";

        // y = aᵇ: dL/da = g·b·aᵇ⁻¹ and dL/db = g·y·ln a (ln a taken as 0 where a ≤ 0), each summed over its
        // broadcast axes.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor a = A, b = B, y = Output;
            if (tape.NeedsGradient(a))
            {
                Tensor bMinus1 = OpSupport.ScalarRight<SubtractOp>(b, 1f);
                Tensor da = OpSupport.Binary<PowOp>("Pow", a, bMinus1);
                Compute.Binary<MultiplyOp>(Name, da, b, da);   // in place
                Compute.Multiply(Name, da, grad, da);
                AccumulateReduced(tape, a, da, gradOwned: true);
            }

            if (tape.NeedsGradient(b))
            {
                Tensor logA = OpSupport.Empty(a.Dims, a);
                if (a.Memory is null)
                {
                    Unary.Map<LogOrZeroOp>(a.Span, logA.Span);
                }
                else
                {
                    Compute.Backend(Name, a, logA).Unary(Devices.UnaryKind.LogOrZero, a, logA);
                }

                Tensor db = OpSupport.Binary<MultiplyOp>("Pow", y, logA);
                Compute.Multiply(Name, db, grad, db);
                AccumulateReduced(tape, b, db, gradOwned: true);
            }
        }
    }
}
