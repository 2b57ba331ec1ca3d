using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>Elementwise product with NumPy broadcasting.</summary>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Tensor y = OpSupport.Binary<MultiplyOp>("Multiply", a, b);
        OpSupport.TapeFor(a, b)?.RecordBinary<MultiplyNode>(y, a, b);
        return y;
    }

    /// <summary>Elementwise product with a scalar.</summary>
    public static Tensor Multiply(Tensor a, float s)
    {
        ArgumentNullException.ThrowIfNull(a);
        Tensor y = OpSupport.ScalarRight<MultiplyOp>(a, s);
        if (OpSupport.TapeFor(a) is { } tape)
        {
            tape.RecordUnary<ScaleNode>(y, a).Factor = s;
        }

        return y;
    }

    private sealed class MultiplyNode : BinaryNode
    {
        public override string Name => "Multiply";

        // y = a·b: dL/da = g·b and dL/db = g·a, each summed over the axes it was broadcast along.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor a = A, b = B;
            if (tape.NeedsGradient(a))
            {
                tape.Accumulate(a, OpSupport.ReduceTo(OpSupport.Binary<MultiplyOp>("Multiply", grad, b), a.Dims), owned: true);
            }

            if (tape.NeedsGradient(b))
            {
                tape.Accumulate(b, OpSupport.ReduceTo(OpSupport.Binary<MultiplyOp>("Multiply", grad, a), b.Dims), owned: true);
            }
        }
    }

    private sealed class ScaleNode : UnaryNode
    {
        public float Factor;

        public override string Name => "Scale";

        // y = s·a: dL/da = s·g.
        public override void Backward(Tensor grad, Tape tape) =>
            tape.Accumulate(X, OpSupport.ScalarRight<MultiplyOp>(grad, Factor), owned: true);
    }
}
