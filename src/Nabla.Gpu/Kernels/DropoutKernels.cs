using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Inverted dropout on the device: a mask of 0 and 1/(1 − rate) drawn from a counter-based generator, applied in the same
/// pass (the backward pass is <c>dx = g·mask</c>, <see cref="ElementwiseKernels.Binary"/> with Multiply).
/// </summary>
/// <remarks>
/// Element i draws u = the high 32 bits of SplitMix64(seed + i·φ) and is kept when u ≥ ⌊rate·2³²⌋, the CPU engine's rule
/// for its own 32-bit draws. The generator differs from the CPU engine's sequential one, so a seed gives a different
/// (equally distributed) mask on the GPU than on the CPU, but the same mask on every run and every device kind: the draw
/// depends only on (seed, i), not on the launch shape.
/// </remarks>
internal sealed class DropoutKernels(GpuDevice device)
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ulong, uint, float>? _forward;

    /// <summary>mask[i] = 1/(1 − rate) with probability 1 − rate, else 0; y[i] = x[i]·mask[i]. rate in [0, 1).</summary>
    public void Forward(ArrayView<float> x, ArrayView<float> mask, ArrayView<float> y, int n, float rate, ulong seed)
    {
        const string name = "Dropout";
        Check.NonNegative(name, n, nameof(n));
        Check.Length(name, x, n, nameof(x));
        Check.Length(name, mask, n, nameof(mask));
        Check.Length(name, y, n, nameof(y));
        if (rate is < 0f or >= 1f || float.IsNaN(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), rate, $"GPU kernel '{name}' expects a rate in [0, 1), but received {rate}.");
        }

        uint threshold = (uint)(rate * 4294967296.0);
        try
        {
            _forward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ulong, uint, float>(ForwardKernel);
            _forward(device.ElementwiseConfig(n), x, mask, y, n, seed, threshold, 1f / (1f - rate));
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>The 32-bit draw of element <paramref name="index"/> (also used by the tests to recompute masks).</summary>
    public static uint Draw(ulong seed, int index)
    {
        ulong z = seed + ((ulong)(uint)index * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (uint)(z >> 32);
    }

    private static void ForwardKernel(ArrayView<float> x, ArrayView<float> mask, ArrayView<float> y, int n, ulong seed, uint threshold, float scale)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            float m = Draw(seed, i) >= threshold ? scale : 0f;
            mask[i] = m;
            y[i] = x[i] * m;
        }
    }
}
