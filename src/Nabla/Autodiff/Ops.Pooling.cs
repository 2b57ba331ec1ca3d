using System.Diagnostics;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// 2-D max pooling over a channels-last [Batch, InputHeight, InputWidth, Channels] tensor (Keras's
    /// <c>MaxPooling2D</c>; <c>MaxPooling1D</c> is height 1): each output takes the largest value of its window, padded
    /// positions taking no part.
    /// </summary>
    /// <remarks>
    /// While a tape records, the forward pass keeps, for each output, the flat index in x of the value it took (in a
    /// step tensor, as int bits); the backward pass adds each output's gradient there (the subgradient of the first
    /// maximum in window order when values tie).
    /// </remarks>
    internal static Tensor MaxPool2D(Tensor x, in Pool2DGeometry geometry)
    {
        Debug.Assert(x.Size == geometry.InputLength, "the layer passes a matching shape");
        Pool2DGeometry g = geometry;
        Tensor y = OpSupport.Empty([g.Batch, g.OutputHeight, g.OutputWidth, g.Channels], x);
        Tape? tape = OpSupport.TapeFor(x);
        if (x.Memory is not null)
        {
            // The device kernel always writes the argmax.
            Tensor indices = OpSupport.Empty(y.Dims, x);
            Compute.Backend("MaxPooling2D", x, y).Pool2D(in g, x, y, indices, max: true);
            tape?.Record<MaxPool2DNode>(y, x).Set(x, indices, g);
            return y;
        }

        Tensor? argmax = tape is null ? null : OpSupport.Empty(y.Dims);
        Pooling.MaxForward(in g, x.Span, y.Span, argmax is null ? default : MemoryMarshal.Cast<float, int>(argmax.Span));
        tape?.Record<MaxPool2DNode>(y, x).Set(x, argmax!, g);
        return y;
    }

    /// <summary>
    /// 2-D average pooling (Keras's <c>AveragePooling2D</c>): each output is the mean of its window over the positions
    /// inside the input (padding counts neither in the sum nor in the divisor, as in TensorFlow).
    /// </summary>
    internal static Tensor AveragePool2D(Tensor x, in Pool2DGeometry geometry)
    {
        Debug.Assert(x.Size == geometry.InputLength, "the layer passes a matching shape");
        Pool2DGeometry g = geometry;
        Tensor y = OpSupport.Empty([g.Batch, g.OutputHeight, g.OutputWidth, g.Channels], x);
        if (x.Memory is null)
        {
            Pooling.AverageForward(in g, x.Span, y.Span);
        }
        else
        {
            Compute.Backend("AveragePooling2D", x, y).Pool2D(in g, x, y, null, max: false);
        }

        OpSupport.TapeFor(x)?.Record<AveragePool2DNode>(y, x).Set(x, g);
        return y;
    }

    private sealed class MaxPool2DNode : TapeNode
    {
        public Tensor X = null!, Argmax = null!;
        public Pool2DGeometry Geometry;

        public override string Name => "MaxPool2D";

        public void Set(Tensor x, Tensor argmax, in Pool2DGeometry geometry) => (X, Argmax, Geometry) = (x, argmax, geometry);

        // y[o] = x[argmax[o]]: dx[i] = Σ_{o: argmax[o] = i} g[o].
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            if (grad.Memory is null)
            {
                Pooling.MaxBackward(in Geometry, grad.Span, MemoryMarshal.Cast<float, int>(Argmax.Span), dx.Span);
            }
            else
            {
                Compute.Backend(Name, grad, Argmax, dx).Pool2DBackward(in Geometry, grad, Argmax, dx, max: true);
            }

            tape.Accumulate(X, dx, owned: true);
        }
    }

    private sealed class AveragePool2DNode : TapeNode
    {
        public Tensor X = null!;
        public Pool2DGeometry Geometry;

        public override string Name => "AveragePool2D";

        public void Set(Tensor x, in Pool2DGeometry geometry) => (X, Geometry) = (x, geometry);

        // y[o] = Σ_{i ∈ window(o)} x[i] / count(o): dx[i] = Σ_{o: i ∈ window(o)} g[o] / count(o).
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            if (grad.Memory is null)
            {
                Pooling.AverageBackward(in Geometry, grad.Span, dx.Span);
            }
            else
            {
                Compute.Backend(Name, grad, dx).Pool2DBackward(in Geometry, grad, null, dx, max: false);
            }

            tape.Accumulate(X, dx, owned: true);
        }
    }
}
