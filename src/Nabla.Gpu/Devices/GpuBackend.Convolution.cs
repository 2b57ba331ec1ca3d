using ILGPU;
using Nabla.Gpu.Kernels;
using Conv2DGeometry = Nabla.Kernels.Conv2DGeometry;

namespace Nabla.Gpu.Devices;

// Convolutions as im2col + GEMM per group: the column matrix [OutputPixels, GroupDepth] times the kernel read as a
// [GroupDepth, OutputChannels] matrix (group g's columns g·GroupOutputChannels on), as the CPU engine's im2col path.
internal sealed partial class GpuBackend
{
    /// <inheritdoc/>
    public override void Conv2D(in Conv2DGeometry geometry, Tensor x, Tensor kernel, Tensor y, Tensor col)
    {
        ConvGeometry g = Convert(geometry);
        int pixels = g.OutputPixels, depth = g.GroupDepth, outG = geometry.GroupOutputChannels, cout = g.OutputChannels;
        if (pixels == 0)
        {
            return;
        }

        Enter();
        ArrayView<float> cols = View(col), k = View(kernel), yv = View(y);
        for (int group = 0; group < g.Groups; group++)
        {
            Kernels.Convolution.Im2Col(g, View(x), group, 0, pixels, cols);
            Kernels.Gemm.Multiply(false, false, pixels, outG, depth, cols, depth, k.SubView(group * outG), cout, yv.SubView(group * outG), cout);
        }
    }

    /// <inheritdoc/>
    public override void Conv2DWeightGradient(in Conv2DGeometry geometry, Tensor x, Tensor dz, Tensor dk, Tensor col)
    {
        ConvGeometry g = Convert(geometry);
        int pixels = g.OutputPixels, depth = g.GroupDepth, outG = geometry.GroupOutputChannels, cout = g.OutputChannels;
        Enter();
        if (pixels == 0)
        {
            Fill(dk, 0f);
            return;
        }

        ArrayView<float> cols = View(col), d = View(dz), k = View(dk);
        for (int group = 0; group < g.Groups; group++)
        {
            Kernels.Convolution.Im2Col(g, View(x), group, 0, pixels, cols);
            Kernels.Gemm.Multiply(true, false, depth, outG, pixels, cols, depth, d.SubView(group * outG), cout, k.SubView(group * outG), cout);
        }
    }

    /// <inheritdoc/>
    public override void Conv2DInputGradient(in Conv2DGeometry geometry, Tensor dz, Tensor kernel, Tensor dx, Tensor col)
    {
        ConvGeometry g = Convert(geometry);
        int pixels = g.OutputPixels, depth = g.GroupDepth, outG = geometry.GroupOutputChannels, cout = g.OutputChannels;
        Enter();
        Fill(dx, 0f);
        if (pixels == 0)
        {
            return;
        }

        ArrayView<float> cols = View(col), d = View(dz), k = View(kernel);
        for (int group = 0; group < g.Groups; group++)
        {
            Kernels.Gemm.Multiply(false, true, pixels, depth, outG, d.SubView(group * outG), cout, k.SubView(group * outG), cout, cols, depth);
            Kernels.Convolution.Col2Im(g, cols, group, 0, pixels, View(dx));
        }
    }

    private static ConvGeometry Convert(in Conv2DGeometry c) => new(
        c.Batch, c.InputHeight, c.InputWidth, c.InputChannels, c.OutputChannels, c.KernelHeight, c.KernelWidth,
        c.StrideHeight, c.StrideWidth, c.DilationHeight, c.DilationWidth, c.PadTop, c.PadLeft, c.Groups, c.OutputHeight, c.OutputWidth);
}
