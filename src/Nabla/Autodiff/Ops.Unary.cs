using System.Numerics.Tensors;
using Nabla.Devices;
using Nabla.Kernels;

namespace Nabla.Autodiff;

// Elementwise math of one tensor: Sin, Cos, Exp, Log, Sqrt, Abs, Square. Forward passes are TensorPrimitives'
// vectorised kernels; each rule computes dL/dx from x, y = f(x) and g in one or two passes.
public static partial class Ops
{
    /// <summary>Elementwise sine, in radians (Keras's <c>ops.sin</c>).</summary>
    /// <param name="x">The angles.</param>
    public static Tensor Sin(Tensor x) => MapUnary(x, SinFunction.Instance);

    /// <summary>Elementwise cosine, in radians (Keras's <c>ops.cos</c>).</summary>
    /// <param name="x">The angles.</param>
    public static Tensor Cos(Tensor x) => MapUnary(x, CosFunction.Instance);

    /// <summary>Elementwise e^x (Keras's <c>ops.exp</c>).</summary>
    /// <param name="x">The exponents.</param>
    public static Tensor Exp(Tensor x) => MapUnary(x, ExpFunction.Instance);

    /// <summary>Elementwise natural logarithm (Keras's <c>ops.log</c>): −∞ at 0 and NaN below it, as IEEE.</summary>
    /// <param name="x">The arguments.</param>
    public static Tensor Log(Tensor x) => MapUnary(x, LogFunction.Instance);

    /// <summary>Elementwise square root (Keras's <c>ops.sqrt</c>): NaN for negative elements.</summary>
    /// <param name="x">The arguments.</param>
    public static Tensor Sqrt(Tensor x) => MapUnary(x, SqrtFunction.Instance);

    /// <summary>Elementwise absolute value (Keras's <c>ops.abs</c>). Its gradient is sign(x), taken as 0 at 0.</summary>
    /// <param name="x">The tensor.</param>
    public static Tensor Abs(Tensor x) => MapUnary(x, AbsFunction.Instance);

    /// <summary>Elementwise x² (Keras's <c>ops.square</c>).</summary>
    /// <param name="x">The tensor.</param>
    public static Tensor Square(Tensor x) => MapUnary(x, SquareFunction.Instance);

    private static Tensor MapUnary(Tensor x, MathFunction function)
    {
        ArgumentNullException.ThrowIfNull(x);
        Tensor y = OpSupport.Empty(x.Dims, x);
        if (x.Memory is null)
        {
            function.Forward(x.Span, y.Span);
        }
        else
        {
            Compute.Backend(function.Name, x, y).Unary(function.Kind, x, y);
        }

        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<MathUnaryNode>(y, x).Function = function;
        }
        return y;
    }

    private sealed class MathUnaryNode : UnaryNode
    {
        public MathFunction Function = null!;

        public override string Name => Function.Name;

        public override void Backward(Tensor grad, Tape tape)
        {
            if (!tape.NeedsGradient(X))
            {
                return;
            }

            Tensor dx = OpSupport.Empty(X.Dims, grad);
            if (grad.Memory is null)
            {
                Function.Derivative(X.Span, Output.Span, grad.Span, dx.Span);
            }
            else
            {
                Function.Derivative(Compute.Backend(Name, X, Output, grad, dx), X, Output, grad, dx);
            }

            tape.Accumulate(X, dx, owned: true);
        }
    }

    /// <summary>An elementwise function of one tensor: its forward kernel and its derivative (stateless singletons).</summary>
    private abstract class MathFunction
    {
        public abstract string Name { get; }

        public abstract void Forward(ReadOnlySpan<float> x, Span<float> y);

        /// <summary>dx = dL/dx given x, y = f(x) and g = dL/dy (dx is a fresh buffer).</summary>
        public abstract void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx);

        // The device's function, and its derivative composed from the device's elementwise kernels (same formulas).
        public abstract UnaryKind Kind { get; }

        public abstract void Derivative(DeviceBackend device, Tensor x, Tensor y, Tensor g, Tensor dx);
    }

    private sealed class SinFunction : MathFunction
    {
        public static readonly SinFunction Instance = new();

        public override string Name => "Sin";

        public override UnaryKind Kind => UnaryKind.Sin;

        public override void Derivative(DeviceBackend device, Tensor x, Tensor y, Tensor g, Tensor dx)
        {
            device.Unary(UnaryKind.Cos, x, dx);
            device.Binary(BinaryKind.Multiply, dx, g, dx);
        }

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sin(x, y);

        // y = sin x: dL/dx = g·cos x.
        public override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
        {
            TensorPrimitives.Cos(x, dx);
            TensorPrimitives.Multiply(dx, g, dx);
        }
    }

    private sealed class CosFunction : MathFunction
    {
        public static readonly CosFunction Instance = new();

        public override string Name => "Cos";

        public override UnaryKind Kind => UnaryKind.Cos;

        public override void Derivative(DeviceBackend device, Tensor x, Tensor y, Tensor g, Tensor dx)
        {
            device.Unary(UnaryKind.Sin, x, dx);
            device.Binary(BinaryKind.Multiply, dx, g, dx);
            device.Unary(UnaryKind.Negate, dx, dx);
        }

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Cos(x, y);

        // y = cos x: dL/dx = −g·sin x.
        public override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
        {
            TensorPrimitives.Sin(x, dx);
            TensorPrimitives.Multiply(dx, g, dx);
            TensorPrimitives.Negate(dx, dx);
        }
    }

    private sealed class ExpFunction : MathFunction
    {
        public static readonly ExpFunction Instance = new();

        public override string Name => "Exp";

        public override UnaryKind Kind => UnaryKind.Exp;

        public override void Derivative(DeviceBackend device, Tensor x, Tensor y, Tensor g, Tensor dx) =>
            device.Binary(BinaryKind.Multiply, g, y, dx);

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);

        // y = eˣ: dL/dx = g·y.
        public override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx) =>
            TensorPrimitives.Multiply(g, y, dx);
    }

    private sealed class LogFunction : MathFunction
    {
        public static readonly LogFunction Instance = new();

        public override string Name => "Log";

        public override UnaryKind Kind => UnaryKind.Log;

        public override void Derivative(DeviceBackend device, Tensor x, Tensor y, Tensor g, Tensor dx) =>
            device.Binary(BinaryKind.Divide, g, x, dx);

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Log(x, y);

        // y = ln x: dL/dx = g / x.
        public override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx) =>
            TensorPrimitives.Divide(g, x, dx);
    }

    private sealed class SqrtFunction : MathFunction
    {
        public static readonly SqrtFunction Instance = new();

        public override string Name => "Sqrt";

        public override UnaryKind Kind => UnaryKind.Sqrt;

        public override void Derivative(DeviceBackend device, Tensor x, Tensor y, Tensor g, Tensor dx)
        {
            device.Binary(BinaryKind.Divide, g, y, dx);
            device.Scalar(BinaryKind.Multiply, dx, 0.5f, dx, scalarLeft: false);
        }

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sqrt(x, y);

        // y = √x: dL/dx = g / (2y) (infinite at 0, as in TensorFlow).
        public override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
        {
            TensorPrimitives.Divide(g, y, dx);
            TensorPrimitives.Multiply(dx, 0.5f, dx);
        }
    }

    private sealed class AbsFunction : MathFunction
    {
        public static readonly AbsFunction Instance = new();

        public override string Name => "Abs";

        public override UnaryKind Kind => UnaryKind.Abs;

        public override void Derivative(DeviceBackend device, Tensor x, Tensor y, Tensor g, Tensor dx)
        {
            device.Unary(UnaryKind.Sign, x, dx);
            device.Binary(BinaryKind.Multiply, dx, g, dx);
        }

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Abs(x, y);

        // y = |x|: dL/dx = g·sign(x), with sign(0) = 0 (TensorFlow's choice of subgradient).
        public override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
        {
            Unary.Map<SignOp>(x, dx);
            TensorPrimitives.Multiply(dx, g, dx);
        }
    }

    private sealed class SquareFunction : MathFunction
    {
        public static readonly SquareFunction Instance = new();

        public override string Name => "Square";

        public override UnaryKind Kind => UnaryKind.Square;

        public override void Derivative(DeviceBackend device, Tensor x, Tensor y, Tensor g, Tensor dx)
        {
            device.Binary(BinaryKind.Multiply, x, g, dx);
            device.Scalar(BinaryKind.Multiply, dx, 2f, dx, scalarLeft: false);
        }

        public override void Forward(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Multiply(x, x, y);

        // y = x²: dL/dx = 2x·g.
        public override void Derivative(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx)
        {
            TensorPrimitives.Multiply(x, g, dx);
            TensorPrimitives.Multiply(dx, 2f, dx);
        }
    }
}
