using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Max and average pooling over channels-last tensors, forward and backward, with the CPU engine's semantics
/// (<c>Pooling</c>): windows clipped to the input; max takes the first largest value in window order, NaN propagates (the
/// first NaN wins), and the forward pass records the flat index in x of each maximum; average sums the window in float
/// and multiplies by the reciprocal of its count.
/// </summary>
/// <remarks>
/// The backward passes are gathers (each input element sums the outputs whose window covers it), deterministic and free
/// of atomics. They overwrite dx, or add to it when <c>accumulate</c> is set.
/// </remarks>
internal sealed class PoolingKernels(GpuDevice device) : IDisposable
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<int>, PoolGeometry, int>? _forward;
    private Action<KernelConfig, ArrayView<float>, ArrayView<int>, ArrayView<float>, PoolGeometry, int>? _backward;
    private MemoryBuffer1D<int, Stride1D.Dense>? _dummy;

    /// <summary>y = the maximum of each window; argmax[i] = the flat index in x of the value y[i] took.</summary>
    public void MaxForward(in PoolGeometry geometry, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax)
    {
        Check.Length("MaxPool", argmax, geometry.OutputLength, nameof(argmax));
        Forward("MaxPool", geometry, x, y, argmax, max: true);
    }

    /// <summary>y = the mean of each window over its positions inside the input.</summary>
    public void AverageForward(in PoolGeometry geometry, ArrayView<float> x, ArrayView<float> y) =>
        Forward("AveragePool", geometry, x, y, default, max: false);

    /// <summary>dx[argmax[i]] += dy[i] for every output i (dx overwritten first unless <paramref name="accumulate"/>).</summary>
    public void MaxBackward(in PoolGeometry geometry, ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, bool accumulate = false)
    {
        Check.Length("MaxPoolBackward", argmax, geometry.OutputLength, nameof(argmax));
        Backward("MaxPoolBackward", geometry, dy, argmax, dx, accumulate, max: true);
    }

    /// <summary>dx += dy/count spread over each window's positions inside the input (dx overwritten first unless <paramref name="accumulate"/>).</summary>
    public void AverageBackward(in PoolGeometry geometry, ArrayView<float> dy, ArrayView<float> dx, bool accumulate = false) =>
        Backward("AveragePoolBackward", geometry, dy, default, dx, accumulate, max: false);

    private void Forward(string name, in PoolGeometry g, ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, bool max)
    {
        CheckGeometry(name, g);
        Check.Length(name, x, g.InputLength, nameof(x));
        Check.Length(name, y, g.OutputLength, nameof(y));
        if (g.OutputLength == 0)
        {
            return;
        }

        try
        {
            _forward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<int>, PoolGeometry, int>(ForwardKernel);
            ArrayView<int> indices = argmax.Length > 0 ? argmax : DummyIndices();
            _forward(device.ElementwiseConfig(g.OutputLength), x, y, indices, g, max ? 1 : 0);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private void Backward(string name, in PoolGeometry g, ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, bool accumulate, bool max)
    {
        CheckGeometry(name, g);
        Check.Length(name, dy, g.OutputLength, nameof(dy));
        Check.Length(name, dx, g.InputLength, nameof(dx));
        if (g.InputLength == 0)
        {
            return;
        }

        try
        {
            _backward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<int>, ArrayView<float>, PoolGeometry, int>(BackwardKernel);
            ArrayView<int> indices = argmax.Length > 0 ? argmax : DummyIndices();
            _backward(device.ElementwiseConfig(g.InputLength), dy, indices, dx, g, (max ? 1 : 0) | (accumulate ? 2 : 0));
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _dummy?.Dispose();

    // A one-element index buffer for the average kernels, which take no argmax but must not receive a null view.
    private ArrayView<int> DummyIndices() => (_dummy ??= device.Accelerator.Allocate1D<int>(1)).View;

    private static void CheckGeometry(string name, in PoolGeometry g)
    {
        if (g.PoolHeight < 1 || g.PoolWidth < 1 || g.StrideHeight < 1 || g.StrideWidth < 1)
        {
            throw new ArgumentException($"GPU kernel '{name}': the geometry is uninitialised (default); build it with PoolGeometry.Create.", nameof(g));
        }
    }

    private static void ForwardKernel(ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, PoolGeometry g, int max)
    {
        int total = g.OutputLength;
        for (int t = Grid.GlobalIndex.X; t < total; t += Grid.DimX * Group.DimX)
        {
            int c = t % g.Channels, rest = t / g.Channels;
            int ow = rest % g.OutputWidth;
            rest /= g.OutputWidth;
            int oh = rest % g.OutputHeight, n = rest / g.OutputHeight;
            int h0 = Math.Max((oh * g.StrideHeight) - g.PadTop, 0), h1 = Math.Min((oh * g.StrideHeight) - g.PadTop + g.PoolHeight, g.InputHeight);
            int w0 = Math.Max((ow * g.StrideWidth) - g.PadLeft, 0), w1 = Math.Min((ow * g.StrideWidth) - g.PadLeft + g.PoolWidth, g.InputWidth);
            float best = 0f, sum = 0f;
            int bestAt = -1;
            for (int h = h0; h < h1; h++)
            {
                for (int w = w0; w < w1; w++)
                {
                    int at = (((((n * g.InputHeight) + h) * g.InputWidth) + w) * g.Channels) + c;
                    float v = x[at];
                    sum += v;
                    if (bestAt < 0 || v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                    {
                        best = v;
                        bestAt = at;
                    }
                }
            }

            if (max != 0)
            {
                y[t] = best;
                argmax[t] = bestAt;
            }
            else
            {
                y[t] = sum * (1f / ((h1 - h0) * (w1 - w0)));
            }
        }
    }

    // One thread per input element: the outputs whose window covers (h, w) are oh in [⌈(h + top − ph + 1)/sh⌉, ⌊(h + top)/sh⌋].
    private static void BackwardKernel(ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, PoolGeometry g, int flags)
    {
        bool max = (flags & 1) != 0, accumulate = (flags & 2) != 0;
        int total = g.InputLength;
        for (int t = Grid.GlobalIndex.X; t < total; t += Grid.DimX * Group.DimX)
        {
            int c = t % g.Channels, rest = t / g.Channels;
            int w = rest % g.InputWidth;
            rest /= g.InputWidth;
            int h = rest % g.InputHeight, n = rest / g.InputHeight;
            int hp = h + g.PadTop, wp = w + g.PadLeft;
            int oh0 = hp - g.PoolHeight + 1 <= 0 ? 0 : (hp - g.PoolHeight + g.StrideHeight) / g.StrideHeight;
            int oh1 = Math.Min(hp / g.StrideHeight, g.OutputHeight - 1);
            int ow0 = wp - g.PoolWidth + 1 <= 0 ? 0 : (wp - g.PoolWidth + g.StrideWidth) / g.StrideWidth;
            int ow1 = Math.Min(wp / g.StrideWidth, g.OutputWidth - 1);
            float sum = 0f;
            for (int oh = oh0; oh <= oh1; oh++)
            {
                for (int ow = ow0; ow <= ow1; ow++)
                {
                    int o = (((((n * g.OutputHeight) + oh) * g.OutputWidth) + ow) * g.Channels) + c;
                    if (max)
                    {
                        sum += argmax[o] == t ? dy[o] : 0f;
                    }
                    else
                    {
                        int hs = (oh * g.StrideHeight) - g.PadTop, ws = (ow * g.StrideWidth) - g.PadLeft;
                        int count = (Math.Min(hs + g.PoolHeight, g.InputHeight) - Math.Max(hs, 0)) * (Math.Min(ws + g.PoolWidth, g.InputWidth) - Math.Max(ws, 0));
                        sum += dy[o] * (1f / count);
                    }
                }
            }

            dx[t] = accumulate ? dx[t] + sum : sum;
        }
    }
}
