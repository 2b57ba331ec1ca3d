using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autodiff;

// Elementwise extrema: Maximum, Minimum (tensor-tensor with broadcasting, and tensor-scalar) and Clip.
public static partial class Ops
{
    /// <summary>
    /// Elementwise maximum with NumPy broadcasting (Keras's <c>ops.maximum</c>); NaN in either operand gives NaN.
    /// </summary>
    /// <remarks>
    /// The gradient flows to whichever operand is larger. On a tie it all goes to <paramref name="a"/>, as in
    /// TensorFlow (Keras's default backend).
    /// </remarks>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand; its shape must broadcast with <paramref name="a"/>'s.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor Maximum(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Tensor y = OpSupport.Binary<MaximumOp>("Maximum", a, b);
        OpSupport.TapeFor(a, b)?.RecordBinary<ExtremumNode>(y, a, b).IsMax = true;
        return y;
    }

    /// <summary>Elementwise max(a, s); the gradient flows where a ≥ s (ties included, as in TensorFlow).</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The scalar.</param>
    public static Tensor Maximum(Tensor a, float s)
    {
        ArgumentNullException.ThrowIfNull(a);
        Tensor y = OpSupport.ScalarRight<MaximumOp>(a, s);
        if (OpSupport.TapeFor(a) is { } tape)
        {
            tape.RecordUnary<ExtremumScalarNode>(y, a).Set(max: true, s);
        }

        return y;
    }

    /// <summary>
    /// Elementwise minimum with NumPy broadcasting (Keras's <c>ops.minimum</c>); NaN in either operand gives NaN.
    /// </summary>
    /// <remarks>
    /// The gradient flows to whichever operand is smaller. On a tie it all goes to <paramref name="a"/>, as in
    /// TensorFlow.
    /// </remarks>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand; its shape must broadcast with <paramref name="a"/>'s.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor Minimum(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Tensor y = OpSupport.Binary<MinimumOp>("Minimum", a, b);
        OpSupport.TapeFor(a, b)?.RecordBinary<ExtremumNode>(y, a, b).IsMax = false;
        return y;
    }

    /// <summary>Elementwise min(a, s); the gradient flows where a ≤ s (ties included, as in TensorFlow).</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The scalar.</param>
    public static Tensor Minimum(Tensor a, float s)
    {
        ArgumentNullException.ThrowIfNull(a);
        Tensor y = OpSupport.ScalarRight<MinimumOp>(a, s);
        if (OpSupport.TapeFor(a) is { } tape)
        {
            tape.RecordUnary<ExtremumScalarNode>(y, a).Set(max: false, s);
        }

        return y;
    }

    /// <summary>
    /// Limits every element to [<paramref name="min"/>, <paramref name="max"/>] (Keras's <c>ops.clip</c>); NaN
    /// stays NaN.
    /// </summary>
    /// <remarks>
    /// The gradient passes where min ≤ x ≤ max, boundaries included, and is 0 where the element was clipped, as
    /// TensorFlow's <c>clip_by_value</c>.
    /// </remarks>
    /// <param name="x">The tensor.</param>
    /// <param name="min">The lower bound.</param>
    /// <param name="max">The upper bound; at least <paramref name="min"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="min"/> exceeds <paramref name="max"/>, or either is NaN.</exception>
    public static Tensor Clip(Tensor x, float min, float max)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(min <= max))
        {
            throw new ArgumentException($"Clip: expects min <= max, but received min={min} and max={max}.", nameof(min));
        }

        Tensor y = OpSupport.Empty(x.Dims, x);
        if (x.Memory is null)
        {
            TensorPrimitives.Clamp(x.Span, min, max, y.Span);
        }
        else
        {
            Compute.ScalarRight<MaximumOp>("Clip", x, min, y);
            Compute.ScalarRight<MinimumOp>("Clip", y, max, y);
        }

        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<ClipNode>(y, x).Set(min, max);
        }

        return y;
    }

    private sealed class ExtremumNode : BinaryNode
    {
        public bool IsMax;

        public override string Name => IsMax ? "Maximum" : "Minimum";

        // y = max(a, b): dL/da = g where a ≥ b, dL/db = g where a < b (for min: a ≤ b and a > b), each summed
        // over its broadcast axes. The 0/1 mask times g is dL/da before reduction; g minus it is dL/db.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor a = A, b = B;
            if (!tape.NeedsGradient(a) && !tape.NeedsGradient(b))
            {
                return;
            }

            Tensor da = IsMax ? OpSupport.Binary<GreaterOrEqualMaskOp>(Name, a, b) : OpSupport.Binary<LessOrEqualMaskOp>(Name, a, b);
            Compute.Multiply(Name, da, grad, da);
            if (tape.NeedsGradient(b))
            {
                Tensor db = OpSupport.Empty(grad.Dims, grad);
                Compute.Binary<SubtractOp>(Name, grad, da, db);
                AccumulateReduced(tape, b, db, gradOwned: true);
            }

            AccumulateReduced(tape, a, da, gradOwned: true);
        }
    }

    private sealed class ExtremumScalarNode : UnaryNode
    {
        public bool IsMax;
        public float Scalar;

        public override string Name => IsMax ? "Maximum" : "Minimum";

        public void Set(bool max, float scalar) => (IsMax, Scalar) = (max, scalar);

        // y = max(a, s): dL/da = g where a ≥ s (for min: a ≤ s), else 0.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor a = X;
            if (!tape.NeedsGradient(a))
            {
                return;
            }

            Tensor da = OpSupport.Empty(a.Dims, grad);
            if (IsMax)
            {
                Compute.ScalarRight<GreaterOrEqualMaskOp>(Name, a, Scalar, da);
            }
            else
            {
                Compute.ScalarRight<LessOrEqualMaskOp>(Name, a, Scalar, da);
            }

            Compute.Multiply(Name, da, grad, da);
            tape.Accumulate(a, da, owned: true);
        }
    }

    private sealed class ClipNode : UnaryNode
    {
        public float Min, Max;

        public void Set(float min, float max) => (Min, Max) = (min, max);

        public override string Name => "Clip";

        // y = clip(x, lo, hi): dL/dx = g where lo ≤ x ≤ hi, else 0.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor x = X;
            if (!tape.NeedsGradient(x))
            {
                return;
            }

            Tensor dx = OpSupport.Empty(x.Dims, grad);
            if (grad.Memory is null)
            {
                Kernels.Clip.Backward(grad.Span, x.Span, Min, Max, dx.Span);
            }
            else
            {
                // dx = g·[x ≥ lo]·[x ≤ hi], from the device's mask kernels.
                Tensor upper = OpSupport.Empty(x.Dims, grad);
                Compute.ScalarRight<GreaterOrEqualMaskOp>(Name, x, Min, dx);
                Compute.ScalarRight<LessOrEqualMaskOp>(Name, x, Max, upper);
                Compute.Multiply(Name, dx, upper, dx);
                Compute.Multiply(Name, dx, grad, dx);
            }

            tape.Accumulate(x, dx, owned: true);
        }
    }
}
