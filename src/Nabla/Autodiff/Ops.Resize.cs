using System.Diagnostics;
using Nabla.Kernels;

namespace Nabla.Autodiff;

public static partial class Ops
{
    /// <summary>
    /// Zeros around a channels-last image batch: [n, h, w, c] → [n, top + h + bottom, left + w + right, c] (Keras's
    /// <c>ZeroPadding2D</c>). The gradient is the output gradient cropped by the same amounts.
    /// </summary>
    internal static Tensor ZeroPad2D(Tensor x, int top, int bottom, int left, int right)
    {
        Debug.Assert(x.Rank == 4, "the layer passes an image batch");
        (int n, int h, int w, int c) = (x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3));
        Tensor y = OpSupport.Empty([n, h + top + bottom, w + left + right, c], x);
        if (x.Memory is null)
        {
            Resize.Pad2D(x.Span, n, h, w, c, top, bottom, left, right, y.Span);
        }
        else
        {
            Pad2DOnDevice(x, y, top, bottom, left, right);
        }

        OpSupport.TapeFor(x)?.Record<ZeroPad2DNode>(y, x).Set(x, top, bottom, left, right);
        return y;
    }

    /// <summary>
    /// A channels-last image batch without its borders: [n, h, w, c] → [n, h − top − bottom, w − left − right, c]
    /// (Keras's <c>Cropping2D</c>). The gradient is the output gradient padded with zeros.
    /// </summary>
    internal static Tensor Crop2D(Tensor x, int top, int bottom, int left, int right)
    {
        Debug.Assert(x.Rank == 4 && x.Dim(1) > top + bottom && x.Dim(2) > left + right, "the layer checked the cropping");
        (int n, int h, int w, int c) = (x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3));
        Tensor y = OpSupport.Empty([n, h - top - bottom, w - left - right, c], x);
        if (x.Memory is null)
        {
            Resize.Crop2D(x.Span, n, h, w, c, top, bottom, left, right, y.Span);
        }
        else
        {
            Crop2DOnDevice(x, y, top, bottom, left, right);
        }

        OpSupport.TapeFor(x)?.Record<Crop2DNode>(y, x).Set(x, top, bottom, left, right);
        return y;
    }

    /// <summary>
    /// Nearest-neighbour upsampling: every pixel repeated into a <paramref name="sizeHeight"/> ×
    /// <paramref name="sizeWidth"/> block, [n, h, w, c] → [n, h·sizeHeight, w·sizeWidth, c] (Keras's
    /// <c>UpSampling2D</c> with <c>interpolation="nearest"</c>). The gradient sums each block.
    /// </summary>
    internal static Tensor UpSample2D(Tensor x, int sizeHeight, int sizeWidth)
    {
        Debug.Assert(x.Rank == 4, "the layer passes an image batch");
        (int n, int h, int w, int c) = (x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3));
        Tensor y = OpSupport.Empty([n, h * sizeHeight, w * sizeWidth, c], x);
        if (x.Memory is null)
        {
            Resize.UpSample2D(x.Span, n, h, w, c, sizeHeight, sizeWidth, y.Span);
        }
        else
        {
            UpSample2DOnDevice(x, y, sizeHeight, sizeWidth, backward: false);
        }

        OpSupport.TapeFor(x)?.Record<UpSample2DNode>(y, x).Set(x, sizeHeight, sizeWidth);
        return y;
    }

    // On a device: the image rows are copied into a zeroed frame (padding) or out of one (cropping).
    private static void Pad2DOnDevice(Tensor x, Tensor y, int top, int bottom, int left, int right)
    {
        Devices.DeviceBackend device = Compute.Backend("ZeroPad2D", x, y);
        device.Fill(y, 0f);
        device.CopyImageRows(x, y, top, bottom, left, right, toBlocks: true);
    }

    private static void Crop2DOnDevice(Tensor x, Tensor y, int top, int bottom, int left, int right) =>
        Compute.Backend("Crop2D", x, y).CopyImageRows(y, x, top, bottom, left, right, toBlocks: false);

    // On a device: the nearest up-sampling kernel (forward) or its gather adjoint (backward).
    private static void UpSample2DOnDevice(Tensor small, Tensor large, int sizeHeight, int sizeWidth, bool backward) =>
        Compute.Backend("UpSample2D", small, large).UpSample2D(small, large, sizeHeight, sizeWidth, backward);

    private sealed class ZeroPad2DNode : TapeNode
    {
        public Tensor X = null!;
        public int Top, Bottom, Left, Right;

        public override string Name => "ZeroPad2D";

        public void Set(Tensor x, int top, int bottom, int left, int right) => (X, Top, Bottom, Left, Right) = (x, top, bottom, left, right);

        // y = x surrounded by zeros: dx = g cropped by the same amounts (the zeros take no gradient).
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            if (grad.Memory is null)
            {
                Resize.Crop2D(grad.Span, grad.Dim(0), grad.Dim(1), grad.Dim(2), grad.Dim(3), Top, Bottom, Left, Right, dx.Span);
            }
            else
            {
                Crop2DOnDevice(grad, dx, Top, Bottom, Left, Right);
            }

            tape.Accumulate(X, dx, owned: true);
        }
    }

    private sealed class Crop2DNode : TapeNode
    {
        public Tensor X = null!;
        public int Top, Bottom, Left, Right;

        public override string Name => "Crop2D";

        public void Set(Tensor x, int top, int bottom, int left, int right) => (X, Top, Bottom, Left, Right) = (x, top, bottom, left, right);

        // y = x without its borders: dx = g padded with zeros where the borders were.
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            if (grad.Memory is null)
            {
                Resize.Pad2D(grad.Span, grad.Dim(0), grad.Dim(1), grad.Dim(2), grad.Dim(3), Top, Bottom, Left, Right, dx.Span);
            }
            else
            {
                Pad2DOnDevice(grad, dx, Top, Bottom, Left, Right);
            }

            tape.Accumulate(X, dx, owned: true);
        }
    }

    private sealed class UpSample2DNode : TapeNode
    {
        public Tensor X = null!;
        public int SizeHeight, SizeWidth;

        public override string Name => "UpSample2D";

        public void Set(Tensor x, int sizeHeight, int sizeWidth) => (X, SizeHeight, SizeWidth) = (x, sizeHeight, sizeWidth);

        // y[n, i·sh + a, j·sw + b, c] = x[n, i, j, c]: dx[n, i, j, c] = Σ_{a, b} g[n, i·sh + a, j·sw + b, c].
        public override void Backward(Tensor grad, Tape tape)
        {
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            if (grad.Memory is null)
            {
                Resize.UpSample2DBackward(grad.Span, X.Dim(0), X.Dim(1), X.Dim(2), X.Dim(3), SizeHeight, SizeWidth, dx.Span);
            }
            else
            {
                UpSample2DOnDevice(dx, grad, SizeHeight, SizeWidth, backward: true);
            }

            tape.Accumulate(X, dx, owned: true);
        }
    }
}
