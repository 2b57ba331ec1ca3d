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
            L2NormalizeOnHost(x, y, outer, length, inner, epsilon);
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

    // No device kernel yet: normalized on the host (listed in DESIGN.md).
    private static void L2NormalizeOnHost(Tensor x, Tensor y, int outer, int length, int inner, float epsilon) =>
        Compute.OnHost("L2Normalize", [x], [y], (r, w) => Kernels.L2Norm.NormalizeAxis(r[0].Span, w[0].Span, outer, length, inner, epsilon));

    private sealed class L2NormalizeNode : UnaryNode
    {
        public int Axis;
        public float Epsilon;

        public override string Name => "L2Normalize";

        public void Set(int axis, float epsilon) => (Axis, Epsilon) = (axis, epsilon);

        private static void BackwardOnHost(Tensor x, Tensor grad, Tensor dx, int outer, int length, int inner, float epsilon) =>
            Compute.OnHost("L2Normalize", [x, grad], [dx], (r, w) => Kernels.L2Norm.NormalizeAxisBackward(r[0].Span, r[1].Span, w[0].Span, outer, length, inner, epsilon));

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
                BackwardOnHost(x, grad, dx, outer, length, inner, Epsilon);
            }

            tape.Accumulate(x, dx, owned: true);
        }
    }
}
