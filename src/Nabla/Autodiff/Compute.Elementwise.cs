using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Nabla.Devices;
using Nabla.Kernels;

namespace Nabla.Autodiff;

// Elementwise families: broadcast binary ops, scalar ops, negation, in-place accumulation, sums down to a shape.
internal static partial class Compute
{
    /// <summary>y = op(a, b) with NumPy broadcasting (y already has the broadcast shape).</summary>
    public static void Binary<TOp>(string op, Tensor a, Tensor b, Tensor y)
        where TOp : struct, IBinaryOp
    {
        if ((a.Memory ?? b.Memory ?? y.Memory) is null)
        {
            Kernels.Binary.Broadcast<TOp>(a.Span, a.Dims, b.Span, b.Dims, y.Span, y.Dims);
            return;
        }

        Backend(op, a, b, y).Binary(KindOf<TOp>(), a, b, y);
    }

    /// <summary>y = op(a, s).</summary>
    public static void ScalarRight<TOp>(string op, Tensor a, float s, Tensor y)
        where TOp : struct, IBinaryOp
    {
        if ((a.Memory ?? y.Memory) is null)
        {
            Kernels.Binary.MapScalarRight<TOp>(a.Span, s, y.Span);
            return;
        }

        Backend(op, a, y).Scalar(KindOf<TOp>(), a, s, y, scalarLeft: false);
    }

    /// <summary>y = op(s, a).</summary>
    public static void ScalarLeft<TOp>(string op, float s, Tensor a, Tensor y)
        where TOp : struct, IBinaryOp
    {
        if ((a.Memory ?? y.Memory) is null)
        {
            Kernels.Binary.MapScalarLeft<TOp>(s, a.Span, y.Span);
            return;
        }

        Backend(op, a, y).Scalar(KindOf<TOp>(), a, s, y, scalarLeft: true);
    }

    /// <summary>y = −x (y may be x).</summary>
    public static void Negate(string op, Tensor x, Tensor y)
    {
        if ((x.Memory ?? y.Memory) is null)
        {
            TensorPrimitives.Negate(x.Span, y.Span);
            return;
        }

        Backend(op, x, y).Unary(UnaryKind.Negate, x, y);
    }

    /// <summary>y = a ⊙ b elementwise (same sizes; y may be a or b).</summary>
    public static void Multiply(string op, Tensor a, Tensor b, Tensor y)
    {
        if ((a.Memory ?? b.Memory ?? y.Memory) is null)
        {
            TensorPrimitives.Multiply(a.Span, b.Span, y.Span);
            return;
        }

        Backend(op, a, b, y).Binary(BinaryKind.Multiply, a, b, y);
    }

    /// <summary>y = a / b elementwise (same sizes; y may be a or b).</summary>
    public static void Divide(string op, Tensor a, Tensor b, Tensor y)
    {
        if ((a.Memory ?? b.Memory ?? y.Memory) is null)
        {
            TensorPrimitives.Divide(a.Span, b.Span, y.Span);
            return;
        }

        Backend(op, a, b, y).Binary(BinaryKind.Divide, a, b, y);
    }

    /// <summary>sum += delta elementwise (same sizes): gradient accumulation.</summary>
    public static void AddInPlace(string op, Tensor sum, Tensor delta)
    {
        if ((sum.Memory ?? delta.Memory) is null)
        {
            TensorPrimitives.Add(sum.Span, delta.Span, sum.Span);
            return;
        }

        Backend(op, sum, delta).Binary(BinaryKind.Add, sum, delta, sum);
    }

    /// <summary>dst = src summed down to dst's shape (the adjoint of broadcasting).</summary>
    public static void SumTo(string op, Tensor src, Tensor dst)
    {
        if ((src.Memory ?? dst.Memory) is null)
        {
            BroadcastReduce.SumTo(src.Span, src.Dims, dst.Span, dst.Dims);
            return;
        }

        Backend(op, src, dst).SumTo(src, dst);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static BinaryKind KindOf<TOp>()
        where TOp : struct, IBinaryOp
    {
        if (typeof(TOp) == typeof(AddOp))
        {
            return BinaryKind.Add;
        }

        if (typeof(TOp) == typeof(SubtractOp))
        {
            return BinaryKind.Subtract;
        }

        if (typeof(TOp) == typeof(MultiplyOp))
        {
            return BinaryKind.Multiply;
        }

        if (typeof(TOp) == typeof(DivideOp))
        {
            return BinaryKind.Divide;
        }

        if (typeof(TOp) == typeof(MaximumOp))
        {
            return BinaryKind.Maximum;
        }

        if (typeof(TOp) == typeof(MinimumOp))
        {
            return BinaryKind.Minimum;
        }

        if (typeof(TOp) == typeof(PowOp))
        {
            return BinaryKind.Pow;
        }

        if (typeof(TOp) == typeof(GreaterOrEqualMaskOp))
        {
            return BinaryKind.GreaterEqual;
        }

        if (typeof(TOp) == typeof(LessOrEqualMaskOp))
        {
            return BinaryKind.LessEqual;
        }

        if (typeof(TOp) == typeof(EqualMaskOp))
        {
            return BinaryKind.Equal;
        }

        throw new InvalidOperationException($"Nabla bug: the binary op {typeof(TOp).Name} has no device kernel.");
    }
}
