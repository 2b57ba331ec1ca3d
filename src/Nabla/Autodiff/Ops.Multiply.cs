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
        OpSupport.TapeFor(a, b)?.Record(MultiplyRule.Instance, y, a, b);
        return y;
    }

    /// <summary>Elementwise product with a scalar.</summary>
    public static Tensor Multiply(Tensor a, float s)
    {
        ArgumentNullException.ThrowIfNull(a);
        Tensor y = OpSupport.ScalarRight<MultiplyOp>(a, s);
        if (OpSupport.TapeFor(a) is { } tape)
        {
            tape.Record(ScaleRule.Instance, y, a).F0 = s;
        }

        return y;
    }

    private sealed class MultiplyRule : BackwardRule
    {
        public static readonly MultiplyRule Instance = new();

        public override string Name => "Multiply";

        // y = a·b: dL/da = g·b and dL/db = g·a, each summed over the axes it was broadcast along.
        public override void Backward(in TapeNode node, Tensor grad, Tape tape)
        {
            Tensor a = node.A!, b = node.B!;
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

    private sealed class ScaleRule : BackwardRule
    {
        public static readonly ScaleRule Instance = new();

        public override string Name => "Scale";

        // y = s·a: dL/da = s·g.
        public override void Backward(in TapeNode node, Tensor grad, Tape tape) =>
            tape.Accumulate(node.A, OpSupport.ScalarRight<MultiplyOp>(grad, node.F0), owned: true);
    }
}
