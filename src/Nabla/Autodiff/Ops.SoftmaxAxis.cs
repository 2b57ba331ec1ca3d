using Nabla.Tensors;

namespace Nabla.Autodiff;

// Softmax over an axis other than the last (Keras's Softmax(axis=1) over a sequence, for instance). The tensor is seen
// as [outer, length, inner] around the axis, and the kernel reduces across its rows.
public static partial class Ops
{
    /// <summary>Softmax over <paramref name="axis"/> (0..rank−2, normalised), as a recorded op.</summary>
    private static Tensor SoftmaxAlongAxis(Tensor x, int axis)
    {
        (int outer, int length, int inner) = AxisBlocks(x.Dims, axis);
        Tensor y = OpSupport.Empty(x.Dims, x);
        if (x.Memory is null)
        {
            Tensor scratch = OpSupport.Empty([inner]);
            Kernels.Softmax.SoftmaxAxis(x.Span, y.Span, outer, length, inner, scratch.Span);
        }
        else
        {
            SoftmaxAxisOnHost(x, y, outer, length, inner);
        }


        // No link to the logits: the cross-entropies read their classes from the last axis, which is not this one.
        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<SoftmaxAxisNode>(y, x).Axis = axis;
        }

        return y;
    }

    // No device kernel yet: softmax over a middle axis runs on the host (listed in DESIGN.md).
    private static void SoftmaxAxisOnHost(Tensor x, Tensor y, int outer, int length, int inner) =>
        Compute.OnHost("Softmax", [x], [y], (r, w) => Kernels.Softmax.SoftmaxAxis(r[0].Span, w[0].Span, outer, length, inner, new float[inner]));

    private sealed class SoftmaxAxisNode : UnaryNode
    {
        public int Axis;

        public override string Name => "Softmax";

        private static void BackwardOnHost(Tensor y, Tensor grad, Tensor dx, int outer, int length, int inner) =>
            Compute.OnHost("Softmax", [y, grad], [dx], (r, w) =>
                Kernels.Softmax.SoftmaxAxisBackward(r[0].Span, r[1].Span, w[0].Span, outer, length, inner, new float[inner]));

        // y = softmax(x) along the axis: dL/dx = y ⊙ (g − Σ_axis g⊙y), as for the last axis.
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
                Tensor scratch = OpSupport.Empty([inner]);
                Kernels.Softmax.SoftmaxAxisBackward(Output.Span, grad.Span, dx.Span, outer, length, inner, scratch.Span);
            }
            else
            {
                BackwardOnHost(Output, grad, dx, outer, length, inner);
            }

            tape.Accumulate(x, dx, owned: true);
        }
    }
}
