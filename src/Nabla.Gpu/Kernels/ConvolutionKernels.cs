using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// im2col and its adjoint col2im for channels-last convolutions (the CPU engine's <c>Im2Col.Pack</c> and
/// <c>Im2Col.Accumulate</c>): a convolution becomes a GEMM of the column matrix with the kernel read as a
/// [GroupDepth, OutputChannels] matrix.
/// </summary>
/// <remarks>
/// Row r of the column matrix of group g holds the window of output pixel p = firstPixel + r (pixels numbered
/// n·OutputHeight·OutputWidth + oh·OutputWidth + ow): its KernelHeight·KernelWidth·GroupInputChannels values in (kh, kw, ic)
/// order, zero for taps in the padding. col2im is computed as a gather (each input element sums the column entries that
/// read it), so it needs no atomics and gives the same result every run.
/// </remarks>
internal sealed class ConvolutionKernels(GpuDevice device)
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ConvGeometry, ColumnRange>? _pack;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ConvGeometry, ColumnRange>? _accumulate;

    /// <summary>col[r, :] = the window of output pixel firstPixel + r in <paramref name="group"/>, for r in [0, rows).</summary>
    public void Im2Col(in ConvGeometry geometry, ArrayView<float> x, int group, int firstPixel, int rows, ArrayView<float> col)
    {
        const string name = "Im2Col";
        ColumnRange range = CheckRange(name, geometry, group, firstPixel, rows);
        Check.Length(name, x, geometry.InputLength, nameof(x));
        Check.Length(name, col, (long)rows * geometry.GroupDepth, nameof(col));
        int total = Check.Product(name, (long)rows * geometry.GroupDepth, "col");
        try
        {
            _pack ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ConvGeometry, ColumnRange>(PackKernel);
            _pack(device.ElementwiseConfig(total), x, col, geometry, range);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>dx += col2im(col): adds each column entry back onto the input position it was read from (group <paramref name="group"/>'s channels only).</summary>
    public void Col2Im(in ConvGeometry geometry, ArrayView<float> col, int group, int firstPixel, int rows, ArrayView<float> dx)
    {
        const string name = "Col2Im";
        ColumnRange range = CheckRange(name, geometry, group, firstPixel, rows);
        Check.Length(name, col, (long)rows * geometry.GroupDepth, nameof(col));
        Check.Length(name, dx, geometry.InputLength, nameof(dx));
        int total = Check.Product(name, (long)geometry.Batch * geometry.InputHeight * geometry.InputWidth * geometry.GroupInputChannels, "dx");
        try
        {
            _accumulate ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ConvGeometry, ColumnRange>(AccumulateKernel);
            _accumulate(device.ElementwiseConfig(total), col, dx, geometry, range);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private static ColumnRange CheckRange(string name, in ConvGeometry g, int group, int firstPixel, int rows)
    {
        if (g.KernelHeight < 1 || g.Groups < 1)
        {
            throw new ArgumentException($"GPU kernel '{name}': the geometry is uninitialised (default); build it with ConvGeometry.Create.", nameof(g));
        }

        if ((uint)group >= (uint)g.Groups)
        {
            throw new ArgumentOutOfRangeException(nameof(group), group, $"GPU kernel '{name}' expects a group in [0, {g.Groups}), but received {group}.");
        }

        if (firstPixel < 0 || rows < 0 || (long)firstPixel + rows > g.OutputPixels)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"GPU kernel '{name}' expects pixels [{firstPixel}, {(long)firstPixel + rows}) within [0, {g.OutputPixels}).");
        }

        return new ColumnRange(group, firstPixel, rows);
    }

    private static void PackKernel(ArrayView<float> x, ArrayView<float> col, ConvGeometry g, ColumnRange range)
    {
        int depth = g.GroupDepth, cg = g.GroupInputChannels;
        int total = range.Rows * depth;
        for (int t = Grid.GlobalIndex.X; t < total; t += Grid.DimX * Group.DimX)
        {
            int r = t / depth, d = t - (r * depth);
            int ic = d % cg, tap = d / cg;
            int kw = tap % g.KernelWidth, kh = tap / g.KernelWidth;
            int p = range.FirstPixel + r;
            int ow = p % g.OutputWidth, rest = p / g.OutputWidth;
            int oh = rest % g.OutputHeight, n = rest / g.OutputHeight;
            int ih = (oh * g.StrideHeight) - g.PadTop + (kh * g.DilationHeight);
            int iw = (ow * g.StrideWidth) - g.PadLeft + (kw * g.DilationWidth);
            bool inside = ih >= 0 && ih < g.InputHeight && iw >= 0 && iw < g.InputWidth;
            col[t] = inside ? x[(((((long)n * g.InputHeight) + ih) * g.InputWidth) + iw) * g.InputChannels + (range.Group * cg) + ic] : 0f;
        }
    }

    // One thread per input element of the group: the output pixels whose window covers it, tap by tap.
    private static void AccumulateKernel(ArrayView<float> col, ArrayView<float> dx, ConvGeometry g, ColumnRange range)
    {
        int cg = g.GroupInputChannels, depth = g.GroupDepth;
        int total = g.Batch * g.InputHeight * g.InputWidth * cg;
        for (int t = Grid.GlobalIndex.X; t < total; t += Grid.DimX * Group.DimX)
        {
            int ic = t % cg, rest = t / cg;
            int iw = rest % g.InputWidth;
            rest /= g.InputWidth;
            int ih = rest % g.InputHeight, n = rest / g.InputHeight;
            float sum = 0f;
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                int hs = ih + g.PadTop - (kh * g.DilationHeight);
                if (hs < 0 || hs % g.StrideHeight != 0 || hs / g.StrideHeight >= g.OutputHeight)
                {
                    continue;
                }

                int oh = hs / g.StrideHeight;
                for (int kw = 0; kw < g.KernelWidth; kw++)
                {
                    int ws = iw + g.PadLeft - (kw * g.DilationWidth);
                    if (ws < 0 || ws % g.StrideWidth != 0 || ws / g.StrideWidth >= g.OutputWidth)
                    {
                        continue;
                    }

                    int p = (((n * g.OutputHeight) + oh) * g.OutputWidth) + (ws / g.StrideWidth) - range.FirstPixel;
                    if (p >= 0 && p < range.Rows)
                    {
                        sum += col[((long)p * depth) + (((kh * g.KernelWidth) + kw) * cg) + ic];
                    }
                }
            }

            long at = (((((long)n * g.InputHeight) + ih) * g.InputWidth) + iw) * g.InputChannels + (range.Group * cg) + ic;
            dx[at] += sum;
        }
    }

    /// <summary>The group and pixel range of an im2col call, as one kernel argument.</summary>
    internal readonly record struct ColumnRange(int Group, int FirstPixel, int Rows);
}
