using Nabla.Kernels;

namespace Nabla.Gpu.Devices;

// The augmentation layers' image transforms on the kernel library (ImageTransformKernels).
internal sealed partial class GpuBackend
{
    /// <inheritdoc/>
    public override void AffineImages(Tensor x, Tensor transforms, Tensor y, int batch, int height, int width, int channels,
        ImageInterpolation interpolation, ImageFillMode fillMode, float fillValue, bool adjoint)
    {
        if (y.Size == 0)
        {
            return;
        }

        Enter();
        if (adjoint)
        {
            Kernels.Images.AffineAdjoint(View(x), View(transforms), View(y), batch, height, width, channels, (int)interpolation, (int)fillMode);
        }
        else
        {
            Kernels.Images.Affine(View(x), View(transforms), View(y), batch, height, width, channels, (int)interpolation, (int)fillMode, fillValue);
        }
    }

    /// <inheritdoc/>
    public override void FlipImages(Tensor x, Tensor flips, Tensor y, int batch, int height, int width, int channels)
    {
        if (y.Size == 0)
        {
            return;
        }

        Enter();
        Kernels.Images.Flip(View(x), View(flips), View(y), batch, height, width, channels);
    }
}
