using Nabla.Tensors;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Scales every slice along <paramref name="axis"/> to unit L2 norm (Keras's <c>ops.normalize(x, axis, order=2)</c>):
    /// y = x·min(1/‖x‖, 1/epsilon), so a slice with a norm below epsilon is scaled by 1/epsilon and a zero slice stays
    /// zero.
    /// </summary>
    /// <param name="x">The tensor, rank 1 or more.</param>
    /// <param name="axis">The axis whose slices are normalised; negative counts from the end. Default -1.</param>
    /// <param name="epsilon">The smallest norm divided by. Default 1e-7, Keras's <c>backend.epsilon()</c>.</param>
    /// <returns>A tensor of <paramref name="x"/>'s shape.</returns>
    /// <example>
    /// <code>
    /// Tensor cosine = Ops.Sum(Ops.L2Normalize(a) * Ops.L2Normalize(b), axis: -1);
    /// </code>
    /// </example>
    /// <exception cref="ArgumentException"><paramref name="x"/> is a scalar.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is outside the rank, or <paramref name="epsilon"/> is not positive.</exception>
    public static Tensor L2Normalize(Tensor x, int axis = -1, float epsilon = 1e-7f)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(epsilon > 0f))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, $"L2Normalize: epsilon must be positive, but received {epsilon}.");
        }

        if (x.Rank == 0)
        {
            throw new ArgumentException("L2Normalize expects a tensor of rank 1 or more, but received a scalar (shape []). Reshape it to [1] first.", nameof(x));
        }

        int a = ShapeUtil.NormalizeAxis("L2Normalize", axis, x.Rank);
        Tensor y = OpSupport.Empty(x.Dims, x);
        (int outer, int length, int inner) = AxisBlocks(x.Dims, a);
        if (x.Memory is null)
        {
            Kernels.L2Norm.NormalizeAxis(x.Span, y.Span, outer, length, inner, epsilon);
        }
        else
        {
            L2NormalizeOnDevice(x, y, outer, length, inner, epsilon);
        }

        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<L2NormalizeNode>(y, x).Set(a, epsilon);
        }

        return y;
    }

    /// <summary>A shape seen as [outer, length, inner] around <paramref name="axis"/>.</summary>
    private static (int Outer, int Length, int Inner) AxisBlocks(ReadOnlySpan<int> dims, int axis) =>
        (ShapeUtil.Product(dims[..axis]), dims[axis], ShapeUtil.Product(dims[(axis + 1)..]));

    // On a device, composed from its kernels over [outer, length, inner]: d = max(√Σx², ε) along length, y = x/d.
    private static void L2NormalizeOnDevice(Tensor x, Tensor y, int outer, int length, int inner, float epsilon)
    {
        Devices.DeviceBackend device = Compute.Backend("L2Normalize", x, y);
        Tensor norm = ClampedNorm(device, x, outer, length, inner, epsilon, out _);
        device.Binary(Devices.BinaryKind.Divide, OpSupport.View(x, 0, [outer, length, inner]), norm, OpSupport.View(y, 0, [outer, length, inner]));
    }

    // max(√Σ_axis x², ε) as [outer, 1, inner]; unclamped is 1 where the norm exceeds ε and 0 where ε replaced it.
    private static Tensor ClampedNorm(Devices.DeviceBackend device, Tensor x, int outer, int length, int inner, float epsilon, out Tensor unclamped)
    {
        Tensor x3 = OpSupport.View(x, 0, [outer, length, inner]);
        Tensor squares = OpSupport.Empty([outer, length, inner], x), norm = OpSupport.Empty([outer, 1, inner], x);
        unclamped = OpSupport.Empty([outer, 1, inner], x);
        device.Unary(Devices.UnaryKind.Square, x3, squares);
        device.Sum(squares, outer, length, inner, norm, 1f);
        device.Unary(Devices.UnaryKind.Sqrt, norm, norm);
        device.Scalar(Devices.BinaryKind.LessEqual, norm, epsilon, unclamped, scalarLeft: false);
        device.Scalar(Devices.BinaryKind.Subtract, unclamped, 1f, unclamped, scalarLeft: true);
        device.Scalar(Devices.BinaryKind.Maximum, norm, epsilon, norm, scalarLeft: false);
        return norm;
    }

    private sealed class L2NormalizeNode : UnaryNode
    {
        public int Axis;
        public float Epsilon;

        public override string Name => "L2Normalize";

        public void Set(int axis, float epsilon) => (Axis, Epsilon) = (axis, epsilon);

        // dx = (g − y·Σ g⊙y)/d where the norm exceeds ε, g/ε where it does not, from the device's kernels.
        private static void BackwardOnDevice(Tensor x, Tensor y, Tensor grad, Tensor dx, int outer, int length, int inner, float epsilon)
        {
            Devices.DeviceBackend device = Compute.Backend("L2Normalize", x, grad, dx);
            Tensor norm = ClampedNorm(device, x, outer, length, inner, epsilon, out Tensor unclamped);
            Tensor y3 = OpSupport.View(y, 0, [outer, length, inner]), g3 = OpSupport.View(grad, 0, [outer, length, inner]);
            Tensor dx3 = OpSupport.View(dx, 0, [outer, length, inner]), dot = OpSupport.Empty([outer, 1, inner], grad);
            device.Binary(Devices.BinaryKind.Multiply, g3, y3, dx3);
            device.Sum(dx3, outer, length, inner, dot, 1f);
            device.Binary(Devices.BinaryKind.Multiply, dot, unclamped, dot);
            device.Binary(Devices.BinaryKind.Multiply, y3, dot, dx3);
            device.Binary(Devices.BinaryKind.Subtract, g3, dx3, dx3);
            device.Binary(Devices.BinaryKind.Divide, dx3, norm, dx3);
        }

        // y = x/‖x‖ along the axis: dL/dx = (g − y·Σ g⊙y)/‖x‖; where the norm is below ε, y = x/ε and dL/dx = g/ε.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor x = X;
            if (!tape.NeedsGradient(x))
            {
                return;
            }

            (int outer, int length, int inner) = AxisBlocks(x.Dims, Axis);
            Tensor dx = OpSupport.Empty(x.Dims, grad);
            if (grad.Memory is null)
            {
                Kernels.L2Norm.NormalizeAxisBackward(x.Span, grad.Span, dx.Span, outer, length, inner, Epsilon);
            }
            else
            {
                BackwardOnDevice(x, Output, grad, dx, outer, length, inner, Epsilon);
            }

            tape.Accumulate(x, dx, owned: true);
        }
    }
}
