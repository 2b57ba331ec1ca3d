using System.Diagnostics;
using System.Runtime.InteropServices;
using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// The mean of each channel over the image: [batch, height, width, channels] → [batch, channels] (Keras's
    /// <c>GlobalAveragePooling2D</c> without keepdims).
    /// </summary>
    internal static Tensor GlobalAveragePool2D(Tensor x)
    {
        Debug.Assert(x.Rank == 4, "the layer passes an image batch");
        (int n, int h, int w, int c) = (x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3));
        Tensor y = OpSupport.Empty([n, c], x);
        if (x.Memory is null)
        {
            Pooling.GlobalAverageForward(x.Span, n, h, w, c, y.Span);
        }
        else
        {
            Compute.Sum("GlobalAveragePooling2D", x, n, h * w, c, y, h * w);
        }

        OpSupport.TapeFor(x)?.Record<GlobalAveragePool2DNode>(y, x).Set(x);
        return y;
    }

    /// <summary>
    /// The largest value of each channel over the image: [batch, height, width, channels] → [batch, channels] (Keras's
    /// <c>GlobalMaxPooling2D</c> without keepdims); the gradient goes to the first maximum.
    /// </summary>
    internal static Tensor GlobalMaxPool2D(Tensor x)
    {
        Debug.Assert(x.Rank == 4, "the layer passes an image batch");
        (int n, int h, int w, int c) = (x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3));
        Tensor y = OpSupport.Empty([n, c], x);
        Tape? tape = OpSupport.TapeFor(x);
        if (x.Memory is not null)
        {
            // The device's max pooling over one window covering the image: the same first maximum as the CPU (its
            // kernel always writes the argmax), so the gradient goes to the same element.
            Tensor indices = OpSupport.Empty(y.Dims, x);
            Pool2DGeometry g = Pool2DGeometry.Create(n, h, w, c, h, w, 1, 1, PaddingMode.Valid);
            Compute.Backend("GlobalMaxPooling2D", x, y).Pool2D(in g, x, y, indices, max: true);
            tape?.Record<GlobalMaxPool2DNode>(y, x).Set(x, indices);
            return y;
        }

        Tensor? argmax = tape is null ? null : OpSupport.Empty(y.Dims);
        Pooling.GlobalMaxForward(x.Span, n, h, w, c, y.Span, argmax is null ? default : MemoryMarshal.Cast<float, int>(argmax.Span));
        tape?.Record<GlobalMaxPool2DNode>(y, x).Set(x, argmax!);
        return y;
    }

    private sealed class GlobalAveragePool2DNode : TapeNode
    {
        public Tensor X = null!;

        public override string Name => "GlobalAveragePool2D";

        public void Set(Tensor x) => X = x;

        // y[n, c] = Σ_{h, w} x[n, h, w, c] / (H·W): dx[n, h, w, c] = g[n, c] / (H·W).
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            if (grad.Memory is null)
            {
                Pooling.GlobalAverageBackward(grad.Span, X.Dim(0), X.Dim(1), X.Dim(2), X.Dim(3), dx.Span);
            }
            else
            {
                int pixels = X.Dim(1) * X.Dim(2);
                Compute.Spread(Name, grad, X.Dim(0), pixels, X.Dim(3), 1f / pixels, dx);
            }

            tape.Accumulate(X, dx, owned: true);
        }
    }

    private sealed class GlobalMaxPool2DNode : TapeNode
    {
        public Tensor X = null!, Argmax = null!;

        public override string Name => "GlobalMaxPool2D";

        public void Set(Tensor x, Tensor argmax) => (X, Argmax) = (x, argmax);

        // y[n, c] = x[argmax[n, c]]: dx is g[n, c] at argmax[n, c] and zero elsewhere.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            if (grad.Memory is not null)
            {
                Pool2DGeometry g = Pool2DGeometry.Create(X.Dim(0), X.Dim(1), X.Dim(2), X.Dim(3), X.Dim(1), X.Dim(2), 1, 1, PaddingMode.Valid);
                Compute.Backend(Name, grad, Argmax, dx).Pool2DBackward(in g, grad, Argmax, dx, max: true);
                tape.Accumulate(X, dx, owned: true);
                return;
            }

            Pooling.GlobalMaxBackward(grad.Span, MemoryMarshal.Cast<float, int>(Argmax.Span), X.Dim(0), X.Dim(1), X.Dim(2), X.Dim(3), dx.Span);
            tape.Accumulate(X, dx, owned: true);
        }
    }
}
