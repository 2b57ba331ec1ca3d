using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autodiff;

// Addition, subtraction, division and negation, with NumPy broadcasting (Multiply lives in Ops.Multiply.cs).
public static partial class Ops
{
    /// <summary>Elementwise sum with NumPy broadcasting (Keras's <c>ops.add</c>).</summary>
    /// <param name="a">The first operand.</param>
    /// <param name="b">The second operand; its shape must broadcast with <paramref name="a"/>'s.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor Add(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Tensor y = OpSupport.Binary<AddOp>("Add", a, b);
        OpSupport.TapeFor(a, b)?.RecordBinary<AddNode>(y, a, b);
        return y;
    }

    /// <summary>Every element plus <paramref name="s"/>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The scalar added to each element.</param>
    public static Tensor Add(Tensor a, float s)
    {
        ArgumentNullException.ThrowIfNull(a);
        Tensor y = OpSupport.ScalarRight<AddOp>(a, s);
        OpSupport.TapeFor(a)?.RecordUnary<PassNode>(y, a);
        return y;
    }

    /// <summary><paramref name="s"/> plus every element.</summary>
    /// <param name="s">The scalar added to each element.</param>
    /// <param name="a">The tensor.</param>
    public static Tensor Add(float s, Tensor a) => Add(a, s);

    /// <summary>Elementwise difference a − b with NumPy broadcasting (Keras's <c>ops.subtract</c>).</summary>
    /// <param name="a">The minuend.</param>
    /// <param name="b">The subtrahend; its shape must broadcast with <paramref name="a"/>'s.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Tensor y = OpSupport.Binary<SubtractOp>("Subtract", a, b);
        OpSupport.TapeFor(a, b)?.RecordBinary<SubtractNode>(y, a, b);
        return y;
    }

    /// <summary>Every element minus <paramref name="s"/>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The scalar subtracted from each element.</param>
    public static Tensor Subtract(Tensor a, float s)
    {
        ArgumentNullException.ThrowIfNull(a);
        Tensor y = OpSupport.ScalarRight<SubtractOp>(a, s);
        OpSupport.TapeFor(a)?.RecordUnary<PassNode>(y, a);
        return y;
    }

    /// <summary><paramref name="s"/> minus every element.</summary>
    /// <param name="s">The scalar each element is subtracted from.</param>
    /// <param name="a">The tensor.</param>
    public static Tensor Subtract(float s, Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        Tensor y = OpSupport.ScalarLeft<SubtractOp>(s, a);
        OpSupport.TapeFor(a)?.RecordUnary<NegateNode>(y, a);
        return y;
    }

    /// <summary>Elementwise quotient a / b with NumPy broadcasting (Keras's <c>ops.divide</c>); IEEE rules for division by zero.</summary>
    /// <param name="a">The dividend.</param>
    /// <param name="b">The divisor; its shape must broadcast with <paramref name="a"/>'s.</param>
    /// <returns>A tensor of the broadcast shape.</returns>
    /// <exception cref="ShapeMismatchException">The shapes cannot be broadcast together.</exception>
    public static Tensor Divide(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Tensor y = OpSupport.Binary<DivideOp>("Divide", a, b);
        OpSupport.TapeFor(a, b)?.RecordBinary<DivideNode>(y, a, b);
        return y;
    }

    /// <summary>Every element divided by <paramref name="s"/>.</summary>
    /// <param name="a">The tensor.</param>
    /// <param name="s">The divisor.</param>
    public static Tensor Divide(Tensor a, float s)
    {
        ArgumentNullException.ThrowIfNull(a);
        Tensor y = OpSupport.ScalarRight<DivideOp>(a, s);
        if (OpSupport.TapeFor(a) is { } tape)
        {
            tape.RecordUnary<DivideByScalarNode>(y, a).Divisor = s;
        }

        return y;
    }

    /// <summary><paramref name="s"/> divided by every element.</summary>
    /// <param name="s">The dividend.</param>
    /// <param name="a">The tensor of divisors.</param>
    public static Tensor Divide(float s, Tensor a)
    {
        ArgumentNullException.ThrowIfNull(a);
        Tensor y = OpSupport.ScalarLeft<DivideOp>(s, a);
        OpSupport.TapeFor(a)?.RecordUnary<ScalarDivideNode>(y, a);
        return y;
    }

    /// <summary>Elementwise negation −x (Keras's <c>ops.negative</c>).</summary>
    /// <param name="x">The tensor.</param>
    public static Tensor Negate(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = OpSupport.Empty(x.Dims, x);
        Compute.Negate("Negate", x, y);
        OpSupport.TapeFor(x)?.RecordUnary<NegateNode>(y, x);
        return y;
    }

    /// <summary>Accumulates <paramref name="grad"/> summed down to <paramref name="input"/>'s shape.</summary>
    private static void AccumulateReduced(Tape tape, Tensor input, Tensor grad, bool gradOwned)
    {
        if (!tape.NeedsGradient(input))
        {
            return;
        }

        Tensor reduced = OpSupport.ReduceTo(grad, input.Dims);
        tape.Accumulate(input, reduced, owned: gradOwned || !ReferenceEquals(reduced, grad));
    }

    private sealed class AddNode : BinaryNode
    {
        public override string Name => "Add";

        // y = a + b: dL/da = g and dL/db = g, each summed over the axes it was broadcast along.
        public override void Backward(Tensor grad, Tape tape)
        {
            AccumulateReduced(tape, A, grad, gradOwned: false);
            AccumulateReduced(tape, B, grad, gradOwned: false);
        }
    }

    private sealed class SubtractNode : BinaryNode
    {
        public override string Name => "Subtract";

        // y = a − b: dL/da = g and dL/db = −g, each summed over its broadcast axes.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor a = A, b = B;
            AccumulateReduced(tape, a, grad, gradOwned: false);
            if (tape.NeedsGradient(b))
            {
                Tensor db = OpSupport.Empty(b.Dims, grad);
                Compute.SumTo("Subtract", grad, db);
                Compute.Negate("Subtract", db, db);
                tape.Accumulate(b, db, owned: true);
            }
        }
    }

    private sealed class DivideNode : BinaryNode
    {
        public override string Name => "Divide";

        // y = a / b: dL/da = g / b and dL/db = −g·a / b² = −(g / b)·y, each summed over its broadcast axes.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor a = A, b = B;
            bool needA = tape.NeedsGradient(a), needB = tape.NeedsGradient(b);
            if (!needA && !needB)
            {
                return;
            }

            Tensor gOverB = OpSupport.Binary<DivideOp>("Divide", grad, b);
            if (needB)
            {
                Tensor t = OpSupport.Empty(gOverB.Dims, grad);
                Compute.Multiply("Divide", gOverB, Output, t);
                Compute.Negate("Divide", t, t);
                AccumulateReduced(tape, b, t, gradOwned: true);
            }

            if (needA)
            {
                AccumulateReduced(tape, a, gOverB, gradOwned: true);
            }
        }
    }

    private sealed class DivideByScalarNode : UnaryNode
    {
        public float Divisor;

        public override string Name => "DivideByScalar";

        // y = a / s: dL/da = g / s.
        public override void Backward(Tensor grad, Tape tape)
        {
            if (tape.NeedsGradient(X))
            {
                tape.Accumulate(X, OpSupport.ScalarRight<DivideOp>(grad, Divisor), owned: true);
            }
        }
    }

    private sealed class ScalarDivideNode : UnaryNode
    {
        public override string Name => "ScalarDivide";

        // y = s / a: dL/da = −s·g / a² = −g·y / a.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor a = X;
            if (!tape.NeedsGradient(a))
            {
                return;
            }

            Tensor da = OpSupport.Empty(a.Dims, grad);
            Compute.Multiply("Divide", grad, Output, da);
            Compute.Divide("Divide", da, a, da);
            Compute.Negate("Divide", da, da);
            tape.Accumulate(a, da, owned: true);
        }
    }

    private sealed class PassNode : UnaryNode
    {
        public override string Name => "AddScalar";

        // y = a ± s: dL/da = g.
        public override void Backward(Tensor grad, Tape tape) => tape.Accumulate(X, grad);
    }

    private sealed class NegateNode : UnaryNode
    {
        public override string Name => "Negate";

        // y = −a or y = s − a: dL/da = −g.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor a = X;
            if (!tape.NeedsGradient(a))
            {
                return;
            }

            Tensor da = OpSupport.Empty(a.Dims, grad);
            Compute.Negate("Subtract", grad, da);
            tape.Accumulate(a, da, owned: true);
        }
    }
}
