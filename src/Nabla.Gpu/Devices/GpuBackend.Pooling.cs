using Nabla.Gpu.Kernels;
using Pool2DGeometry = Nabla.Kernels.Pool2DGeometry;

namespace Nabla.Gpu.Devices;

// Max and average pooling on the kernel library (the argmax travels as ints stored in a float tensor, as on the CPU).
internal sealed partial class GpuBackend
{
    /// <inheritdoc/>
    public override void Pool2D(in Pool2DGeometry geometry, Tensor x, Tensor y, Tensor? argmax, bool max)
    {
        if (y.Size == 0)
        {
            return;
        }

        Enter();
        PoolGeometry g = Convert(geometry);
        if (max)
        {
            Kernels.Pooling.MaxForward(g, View(x), View(y), View(argmax!).Cast<int>());
        }
        else
        {
            Kernels.Pooling.AverageForward(g, View(x), View(y));
        }
    }

    /// <inheritdoc/>
    public override void Pool2DBackward(in Pool2DGeometry geometry, Tensor dy, Tensor? argmax, Tensor dx, bool max)
    {
        Enter();
        if (dy.Size == 0)
        {
            Fill(dx, 0f);
            return;
        }

        PoolGeometry g = Convert(geometry);
        if (max)
        {
            Kernels.Pooling.MaxBackward(g, View(dy), View(argmax!).Cast<int>(), View(dx));
        }
        else
        {
            Kernels.Pooling.AverageBackward(g, View(dy), View(dx));
        }
    }

    private static PoolGeometry Convert(in Pool2DGeometry p) => new(
        p.Batch, p.InputHeight, p.InputWidth, p.Channels, p.PoolHeight, p.PoolWidth, p.StrideHeight, p.StrideWidth,
        p.PadTop, p.PadLeft, p.OutputHeight, p.OutputWidth);
}
