using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Data movement without arithmetic: strided runs (concatenation along an axis and its adjoint, the CPU engine's
/// <c>CopyRuns</c>) and the matrix transpose (<c>Kernels.Transpose.Matrix</c>). Each is a grid-stride loop over the
/// elements moved, exact.
/// </summary>
internal sealed class LayoutKernels(GpuDevice device)
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, RunShape>? _runs;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int>? _transpose;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, UpSampleShape>? _upSample;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, UpSampleShape>? _upSampleBackward;

    /// <summary>
    /// For o in [0, outer) and j in [0, run): with <paramref name="toBlocks"/>, to[o·stride + offset + j] = from[o·run + j]
    /// (a part copied into its place in the joined tensor); otherwise from[o·stride + offset + j] is copied to
    /// to[o·run + j] (the part's gradient taken back out).
    /// </summary>
    public void CopyRuns(ArrayView<float> from, ArrayView<float> to, int outer, int run, int stride, int offset, bool toBlocks) =>
        CopyRuns(from, to, 1, outer, run, stride, 0, offset, toBlocks);

    /// <summary>
    /// <see cref="CopyRuns(ArrayView{float}, ArrayView{float}, int, int, int, int, bool)"/> over <paramref name="blocks"/>
    /// blocks of <paramref name="rows"/> runs: run r of block b sits at b·blockStride + r·stride + offset on the strided
    /// side (an image's rows inside a padded batch: padding and cropping).
    /// </summary>
    public void CopyRuns(ArrayView<float> from, ArrayView<float> to, int blocks, int rows, int run, int stride, int blockStride, int offset, bool toBlocks)
    {
        const string name = "CopyRuns";
        Check.NonNegative(name, blocks, nameof(blocks));
        Check.NonNegative(name, rows, nameof(rows));
        Check.NonNegative(name, run, nameof(run));
        int n = Check.Product(name, (long)blocks * rows * run, "runs");
        if (n == 0)
        {
            return;
        }

        long strided = ((long)(blocks - 1) * blockStride) + ((long)(rows - 1) * stride) + offset + run;
        Check.Length(name, toBlocks ? from : to, n, toBlocks ? nameof(from) : nameof(to));
        Check.Length(name, toBlocks ? to : from, strided, toBlocks ? nameof(to) : nameof(from));
        try
        {
            _runs ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, RunShape>(RunsKernel);
            _runs(device.ElementwiseConfig(n), from, to, new RunShape(n, rows, run, stride, blockStride, offset, toBlocks ? 1 : 0));
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>y = xᵀ for a row-major [rows, cols] matrix x (y is [cols, rows]).</summary>
    public void Transpose(ArrayView<float> x, int rows, int cols, ArrayView<float> y)
    {
        const string name = "Transpose";
        Check.NonNegative(name, rows, nameof(rows));
        Check.NonNegative(name, cols, nameof(cols));
        int n = Check.Product(name, (long)rows * cols, "x");
        Check.Length(name, x, n, nameof(x));
        Check.Length(name, y, n, nameof(y));
        if (n == 0)
        {
            return;
        }

        try
        {
            _transpose ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(TransposeKernel);
            _transpose(device.ElementwiseConfig(n), x, y, rows, cols);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>
    /// Nearest up-sampling of a channels-last [n, h, w, c] x by (sh, sw): y[b, i, j, ch] = x[b, i / sh, j / sw, ch], or with
    /// <paramref name="backward"/> its adjoint dx[b, i, j, ch] = Σ_{a &lt; sh, e &lt; sw} g[b, i·sh + a, j·sw + e, ch]
    /// (a gather per dx element; x and dx are the small side).
    /// </summary>
    public void UpSample(ArrayView<float> from, ArrayView<float> to, int n, int h, int w, int c, int sizeHeight, int sizeWidth, bool backward)
    {
        const string name = "UpSample2D";
        Check.Positive(name, sizeHeight, nameof(sizeHeight));
        Check.Positive(name, sizeWidth, nameof(sizeWidth));
        int small = Check.Product(name, (long)n * h * w * c, "x");
        int large = Check.Product(name, (long)small * sizeHeight * sizeWidth, "y");
        Check.Length(name, from, backward ? large : small, nameof(from));
        Check.Length(name, to, backward ? small : large, nameof(to));
        if (small == 0)
        {
            return;
        }

        var shape = new UpSampleShape(h, w, c, sizeHeight, sizeWidth, backward ? small : large);
        try
        {
            if (backward)
            {
                _upSampleBackward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, UpSampleShape>(UpSampleBackwardKernel);
                _upSampleBackward(device.ElementwiseConfig(small), from, to, shape);
            }
            else
            {
                _upSample ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, UpSampleShape>(UpSampleKernel);
                _upSample(device.ElementwiseConfig(large), from, to, shape);
            }
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private static void UpSampleKernel(ArrayView<float> x, ArrayView<float> y, UpSampleShape s)
    {
        int wide = s.W * s.SizeWidth, tall = s.H * s.SizeHeight;
        for (int i = Grid.GlobalIndex.X; i < s.N; i += Grid.DimX * Group.DimX)
        {
            int ch = i % s.C, pixel = i / s.C, col = pixel % wide, rest = pixel / wide, row = rest % tall, b = rest / tall;
            y[i] = x[((((b * s.H) + (row / s.SizeHeight)) * s.W) + (col / s.SizeWidth)) * s.C + ch];
        }
    }

    private static void UpSampleBackwardKernel(ArrayView<float> g, ArrayView<float> dx, UpSampleShape s)
    {
        int wide = s.W * s.SizeWidth, tall = s.H * s.SizeHeight;
        for (int i = Grid.GlobalIndex.X; i < s.N; i += Grid.DimX * Group.DimX)
        {
            int ch = i % s.C, pixel = i / s.C, col = pixel % s.W, rest = pixel / s.W, row = rest % s.H, b = rest / s.H;
            float sum = 0f;
            for (int a = 0; a < s.SizeHeight; a++)
            {
                for (int e = 0; e < s.SizeWidth; e++)
                {
                    sum += g[((((b * tall) + (row * s.SizeHeight) + a) * wide) + (col * s.SizeWidth) + e) * s.C + ch];
                }
            }

            dx[i] = sum;
        }
    }

    private static void RunsKernel(ArrayView<float> from, ArrayView<float> to, RunShape s)
    {
        for (int i = Grid.GlobalIndex.X; i < s.N; i += Grid.DimX * Group.DimX)
        {
            int o = i / s.Run, j = i - (o * s.Run);
            int b = o / s.Rows, r = o - (b * s.Rows);
            int strided = (b * s.BlockStride) + (r * s.Stride) + s.Offset + j;
            if (s.ToBlocks != 0)
            {
                to[strided] = from[i];
            }
            else
            {
                to[i] = from[strided];
            }
        }
    }

    private static void TransposeKernel(ArrayView<float> x, ArrayView<float> y, int rows, int cols)
    {
        int n = rows * cols;
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            // y[c, r] = x[r, c], one thread per element of y (writes coalesced).
            int c = i / rows, r = i - (c * rows);
            y[i] = x[(r * cols) + c];
        }
    }

    /// <summary>The sizes of one up-sampling launch (N: the elements written).</summary>
    internal readonly record struct UpSampleShape(int H, int W, int C, int SizeHeight, int SizeWidth, int N);

    /// <summary>The sizes of one <c>CopyRuns</c> launch.</summary>
    internal readonly record struct RunShape(int N, int Rows, int Run, int Stride, int BlockStride, int Offset, int ToBlocks);
}
