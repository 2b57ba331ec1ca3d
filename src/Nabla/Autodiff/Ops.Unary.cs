using System.Numerics.Tensors;
using Nabla.Kernels;

namespace Nabla.Autodiff;

// Elementwise math of one tensor: Sin, Cos, Exp, Log, Sqrt, Abs, Square. Forward passes are TensorPrimitives'
// vectorised kernels; each rule computes dL/dx from x, y = f(x) and g in one or two passes.
public static partial class Ops
{
    /// <summary>Elementwise sine, in radians (Keras's <c>ops.sin</c>).</summary>
    /// <param name="x">The angles.</param>
    public static Tensor Sin(Tensor x) => MapUnary(x, SinRule.Instance);

    /// <summary>Elementwise cosine, in radians (Keras's <c>ops.cos</c>).</summary>
    /// <param name="x">The angles.</param>
    public static Tensor Cos(Tensor x) => MapUnary(x, CosRule.Instance);

    /// <summary>Elementwise e^x (Keras's <c>ops.exp</c>).</summary>
    /// <param name="x">The exponents.</param>
    public static Tensor Exp(Tensor x) => MapUnary(x, ExpRule.Instance);

    /// <summary>Elementwise natural logarithm (Keras's <c>ops.log</c>): −∞ at 0 and NaN below it, as IEEE.</summary>
    /// <param name="x">The arguments.</param>
    public static Tensor Log(Tensor x) => MapUnary(x, LogRule.Instance);

    /// <summary>Elementwise square root (Keras's <c>ops.sqrt</c>): NaN for negative elements.</summary>
    /// <param name="x">The arguments.</param>
    public static Tensor Sqrt(Tensor x) => MapUnary(x, SqrtRule.Instance);

    /// <summary>Elementwise absolute value (Keras's <c>ops.abs</c>). Its gradient is sign(x), taken as 0 at 0.</summary>
    /// <param name="x">The tensor.</param>
    public static Tensor Abs(Tensor x) => MapUnary(x, AbsRule.Instance);

    /// <summary>Elementwise x² (Keras's <c>ops.square</c>).</summary>
    /// <param name="x">The tensor.</param>
    public static Tensor Square(Tensor x) => MapUnary(x, SquareRule.Instance);

    private static Tensor MapUnary(Tensor x, MathUnaryRule rule)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = OpSupport.Empty(x.Dims);
        rule.Forward(x.Span, y.Span);
        OpSupport.TapeFor(x)?.Record(rule, y, x);
        return y;
    }

    /// <summary>A unary op whose forward and derivative are span functions; the base does the tape bookkeeping.</summary>
    private abstract class MathUnaryRule : BackwardRule
    {
        public abstract void Forward(ReadOnlySpan<float> x, Span<float> y);

        /// <summary>dx = dL/dx given x, y = f(x) and g = dL/dy (dx is a fresh buffer).</summary>
        protected abstract void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx);

        public sealed override void Backward(in TapeNode node, Tensor grad, Tape tape)
        {
            Tensor x = node.A!;
            if (!tape.NeedsGradient(x))
            {
                return;
            }

            Tensor dx = OpSupport.Empty(x.Dims);
            Derivative(x.Span, node.Output.Span, grad.Span, dx.Span);
            tape.Accumulate(x, dx, owned: true);
        }
    }

    private sealed class SinRule : MathUnaryRule
    {
        public static readonly SinRule Instance = new();

        public override string Name => "Sin";

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sin(x, y);

        // y = sin x: dL/dx = g·cos x.
        protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
        {
            TensorPrimitives.Cos(x, dx);
            TensorPrimitives.Multiply(dx, g, dx);
        }
    }

    private sealed class CosRule : MathUnaryRule
    {
        public static readonly CosRule Instance = new();

        public override string Name => "Cos";

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Cos(x, y);

        // y = cos x: dL/dx = −g·sin x.
        protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
        {
            TensorPrimitives.Sin(x, dx);
            TensorPrimitives.Multiply(dx, g, dx);
            TensorPrimitives.Negate(dx, dx);
        }
    }

    private sealed class ExpRule : MathUnaryRule
    {
        public static readonly ExpRule Instance = new();

        public override string Name => "Exp";

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);

        // y = eˣ: dL/dx = g·y.
        protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx) =>
            TensorPrimitives.Multiply(g, y, dx);
    }

    private sealed class LogRule : MathUnaryRule
    {
        public static readonly LogRule Instance = new();

        public override string Name => "Log";

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log(x, y);

        // y = ln x: dL/dx = g / x.
        protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx) =>
            TensorPrimitives.Divide(g, x, dx);
    }

    private sealed class SqrtRule : MathUnaryRule
    {
        public static readonly SqrtRule Instance = new();

        public override string Name => "Sqrt";

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sqrt(x, y);

        // y = √x: dL/dx = g / (2y) (infinite at 0, as in TensorFlow).
        protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
        {
            TensorPrimitives.Divide(g, y, dx);
            TensorPrimitives.Multiply(dx, 0.5f, dx);
        }
    }

    private sealed class AbsRule : MathUnaryRule
    {
        public static readonly AbsRule Instance = new();

        public override string Name => "Abs";

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Abs(x, y);

        // y = |x|: dL/dx = g·sign(x), with sign(0) = 0 (TensorFlow's choice of subgradient).
        protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
        {
            Unary.Map<SignOp>(x, dx);
            TensorPrimitives.Multiply(dx, g, dx);
        }
    }

    private sealed class SquareRule : MathUnaryRule
    {
        public static readonly SquareRule Instance = new();

        public override string Name => "Square";

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Multiply(x, x, y);

        // y = x²: dL/dx = 2x·g.
        protected override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
        {
            TensorPrimitives.Multiply(x, g, dx);
            TensorPrimitives.Multiply(dx, 2f, dx);
        }
    }
}
