using Nabla.Kernels;
using Nabla.Tensors;

namespace Nabla.Autodiff;

// Per-image geometric transforms of channels-last images, for the augmentation layers. Linear in the images, so each
// has an exact gradient: the adjoint of its sampling.
public static partial class Ops
{
    /// <summary>
    /// Each image of <paramref name="images"/> ([batch, height, width, channels], or one image [height, width,
    /// channels]) sampled through its own affine transform, six floats per image (see <see cref="ImageTransform"/>).
    /// </summary>
    /// <remarks>
    /// Records on the tape only when the images are tracked; then dL/dimages is the adjoint of the sampling applied to
    /// dL/doutput (the fill value depends on no input and gets no gradient). The transforms are not differentiated.
    /// </remarks>
    internal static Tensor AffineTransformImages(Tensor images, ReadOnlySpan<float> transforms,
        ImageInterpolation interpolation, ImageFillMode fillMode, float fillValue)
    {
        ArgumentNullException.ThrowIfNull(images);
        (int n, int h, int w, int c) = ImageDims("AffineTransformImages", images);
        Tensor y = OpSupport.Empty(images.Dims, images);
        if (images.Memory is null)
        {
            ImageTransform.Affine(images.Span, transforms, y.Span, n, h, w, c, interpolation, fillMode, fillValue);
        }
        else
        {
            AffineOnDevice(images, transforms, y, interpolation, fillMode, fillValue, adjoint: false);
        }

        if (OpSupport.TapeFor(images) is { } tape)
        {
            Tensor saved = OpSupport.Empty([n, ImageTransform.TransformLength]);
            transforms[..saved.Size].CopyTo(saved.Span);
            tape.RecordUnary<AffineImagesNode>(y, images).Set(saved, interpolation, fillMode);
        }

        return y;
    }

    /// <summary>
    /// Each image of <paramref name="images"/> ([batch, height, width, channels], or one image) flipped as its code
    /// says: bit 0 left-right, bit 1 top-bottom (see <see cref="ImageTransform.Flip"/>).
    /// </summary>
    /// <remarks>Records on the tape only when the images are tracked; a flip's gradient is the same flip of dL/doutput.</remarks>
    internal static Tensor FlipImages(Tensor images, ReadOnlySpan<int> flips)
    {
        ArgumentNullException.ThrowIfNull(images);
        (int n, int h, int w, int c) = ImageDims("FlipImages", images);
        Tensor y = OpSupport.Empty(images.Dims, images);
        if (images.Memory is null)
        {
            ImageTransform.Flip(images.Span, flips, y.Span, n, h, w, c);
        }
        else
        {
            FlipOnDevice(images, flips, y);
        }

        if (OpSupport.TapeFor(images) is { } tape)
        {
            tape.RecordUnary<FlipImagesNode>(y, images).Set(flips[..n]);
        }

        return y;
    }

    /// <summary>Batch, height, width and channels of a rank-4 batch or a rank-3 single image (a batch of one).</summary>
    private static (int Batch, int Height, int Width, int Channels) ImageDims(string operation, Tensor images)
    {
        ReadOnlySpan<int> d = images.Dims;
        return d.Length switch
        {
            4 => (d[0], d[1], d[2], d[3]),
            3 => (1, d[0], d[1], d[2]),
            _ => throw new ShapeMismatchException(operation, "rank 3 or 4", ShapeUtil.Format(d),
                $"{operation}: expects images of shape [batch, height, width, channels] or [height, width, channels], but received shape {ShapeUtil.Format(d)}."),
        };
    }

    // The device kernels take the transforms (and flip codes, as floats) in device memory: drawn on the host with the
    // CPU engine's generator, as dropout's masks, so both engines transform alike, then uploaded (a small copy).
    private static void AffineOnDevice(Tensor x, ReadOnlySpan<float> transforms, Tensor y, ImageInterpolation interpolation, ImageFillMode fillMode,
        float fillValue, bool adjoint)
    {
        const string op = "AffineTransformImages";
        (int n, int h, int w, int c) = ImageDims(op, x);
        if (transforms.Length < n * ImageTransform.TransformLength)
        {
            throw new ArgumentException(
                $"{op}: expects {ImageTransform.TransformLength} transform values per image ({n * ImageTransform.TransformLength} in all), but received {transforms.Length}.",
                nameof(transforms));
        }

        Tensor host = OpSupport.Empty([n, ImageTransform.TransformLength]);
        transforms[..host.Size].CopyTo(host.Span);
        Tensor onDevice = OpSupport.Upload(host, x);
        Compute.Backend(op, x, y).AffineImages(x, onDevice, y, n, h, w, c, interpolation, fillMode, fillValue, adjoint);
    }

    private static void FlipOnDevice(Tensor x, ReadOnlySpan<int> flips, Tensor y)
    {
        const string op = "FlipImages";
        (int n, int h, int w, int c) = ImageDims(op, x);
        if (flips.Length < n)
        {
            throw new ArgumentException($"{op}: expects one flip code per image ({n}), but received {flips.Length}.", nameof(flips));
        }

        Tensor host = OpSupport.Empty([n]);
        for (int i = 0; i < n; i++)
        {
            if ((uint)flips[i] > 3u)
            {
                throw new ArgumentOutOfRangeException(nameof(flips), flips[i], $"{op}: the code of image {i} must be in 0..3, but is {flips[i]}.");
            }

            host.Span[i] = flips[i];
        }

        Compute.Backend(op, x, y).FlipImages(x, OpSupport.Upload(host, x), y, n, h, w, c);
    }

    private sealed class AffineImagesNode : UnaryNode
    {
        public Tensor Transforms = null!;
        public ImageInterpolation Interpolation;
        public ImageFillMode FillMode;

        public override string Name => "AffineTransformImages";

        public void Set(Tensor transforms, ImageInterpolation interpolation, ImageFillMode fillMode) =>
            (Transforms, Interpolation, FillMode) = (transforms, interpolation, fillMode);

        // y = A·x + f (A the sampling weights, f the constant fill): dL/dx = Aᵀ·g.
        public override void Backward(Tensor grad, Tape tape)
        {
            if (!tape.NeedsGradient(X))
            {
                return;
            }

            (int n, int h, int w, int c) = ImageDims(Name, X);
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            if (grad.Memory is null)
            {
                ImageTransform.AffineBackward(grad.Span, Transforms.Span, dx.Span, n, h, w, c, Interpolation, FillMode);
            }
            else
            {
                AffineOnDevice(grad, Transforms.Span, dx, Interpolation, FillMode, 0f, adjoint: true);
            }

            tape.Accumulate(X, dx, owned: true);
        }
    }

    private sealed class FlipImagesNode : UnaryNode
    {
        // The node's own buffer, reused with the node, so a warm step records without allocating.
        private int[] _flips = [];
        private int _count;

        public override string Name => "FlipImages";

        public void Set(ReadOnlySpan<int> flips)
        {
            if (_flips.Length < flips.Length)
            {
                _flips = new int[flips.Length];
            }

            flips.CopyTo(_flips);
            _count = flips.Length;
        }

        // y = P·x with P a product of reflections (P = Pᵀ): dL/dx = P·g.
        public override void Backward(Tensor grad, Tape tape)
        {
            if (!tape.NeedsGradient(X))
            {
                return;
            }

            (int n, int h, int w, int c) = ImageDims(Name, X);
            Tensor dx = OpSupport.Empty(X.Dims, grad);
            if (grad.Memory is null)
            {
                ImageTransform.Flip(grad.Span, _flips.AsSpan(0, _count), dx.Span, n, h, w, c);
            }
            else
            {
                FlipOnDevice(grad, _flips.AsSpan(0, _count), dx);
            }

            tape.Accumulate(X, dx, owned: true);
        }
    }
}
