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
            SoftmaxAxisOnDevice(x, y, outer, length, inner);
        }


        // No link to the logits: the cross-entropies read their classes from the last axis, which is not this one.
        if (OpSupport.TapeFor(x) is { } tape)
        {
            tape.RecordUnary<SoftmaxAxisNode>(y, x).Axis = axis;
        }

        return y;
    }

    // On a device, composed from its kernels over [outer, length, inner]: y = e^(x − max) / Σ e^(x − max) along length.
    private static void SoftmaxAxisOnDevice(Tensor x, Tensor y, int outer, int length, int inner)
    {
        Devices.DeviceBackend device = Compute.Backend("Softmax", x, y);
        Tensor x3 = OpSupport.View(x, 0, [outer, length, inner]), y3 = OpSupport.View(y, 0, [outer, length, inner]);
        Tensor reduced = OpSupport.Empty([outer, 1, inner], x);
        device.Extremum(x3, outer, length, inner, reduced, max: true);
        device.Binary(Devices.BinaryKind.Subtract, x3, reduced, y3);
        device.Unary(Devices.UnaryKind.Exp, y3, y3);
        device.Sum(y3, outer, length, inner, reduced, 1f);
        device.Binary(Devices.BinaryKind.Divide, y3, reduced, y3);
    }

    private sealed class SoftmaxAxisNode : UnaryNode
    {
        public int Axis;

        public override string Name => "Softmax";

        // dx = y ⊙ (g − Σ_axis g⊙y) from the device's kernels.
        private static void BackwardOnDevice(Tensor y, Tensor grad, Tensor dx, int outer, int length, int inner)
        {
            Devices.DeviceBackend device = Compute.Backend("Softmax", y, grad, dx);
            Tensor y3 = OpSupport.View(y, 0, [outer, length, inner]), g3 = OpSupport.View(grad, 0, [outer, length, inner]);
            Tensor dx3 = OpSupport.View(dx, 0, [outer, length, inner]), sums = OpSupport.Empty([outer, 1, inner], grad);
            device.Binary(Devices.BinaryKind.Multiply, g3, y3, dx3);
            device.Sum(dx3, outer, length, inner, sums, 1f);
            device.Binary(Devices.BinaryKind.Subtract, g3, sums, dx3);
            device.Binary(Devices.BinaryKind.Multiply, dx3, y3, dx3);
        }

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
                BackwardOnDevice(Output, grad, dx, outer, length, inner);
            }

            tape.Accumulate(x, dx, owned: true);
        }
    }
}
