using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Gradient clipping by norm without reading the gradients on the host (the optimizers' <c>clipnorm</c> and
/// <c>global_clipnorm</c>): each gradient's sum of squares into one element of a small device buffer, then the clipping
/// factor computed on the device from those sums, which the update multiplies in.
/// </summary>
/// <remarks>
/// The sum of squares is a grid-stride reduction over up to 1024 groups whose partial sums one group then adds in order
/// (deterministic; accumulated in float in a different order than the CPU engine's <c>TensorPrimitives.SumOfSquares</c>,
/// so equal to rounding). The factor is computed by one thread in
/// double with the CPU engine's formulas, so from the same sums it gives the same float.
/// </remarks>
internal sealed class ClipKernels(GpuDevice device) : IDisposable
{
    private const int MaxPartials = 1024;

    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int>? _sumOfSquares;
    private MemoryBuffer1D<float, Stride1D.Dense>? _partials;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float, int>? _scale;

    /// <summary>sum[0] = Σ_{i &lt; n} x[i]² (0 for n = 0).</summary>
    public void SumOfSquares(ArrayView<float> x, int n, ArrayView<float> sum)
    {
        const string name = "SumOfSquares";
        Check.NonNegative(name, n, nameof(n));
        Check.Length(name, x, n, nameof(x));
        Check.Length(name, sum, 1, nameof(sum));
        int group = device.RowConfig(1, Math.Max(n, 1)).GroupDim.X;
        int groups = (int)Math.Clamp((n + (group * 8L) - 1) / (group * 8L), 1, Math.Min(MaxPartials, device.MaxElementwiseGroups));
        try
        {
            _sumOfSquares ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(SumKernel);
            if (groups == 1)
            {
                _sumOfSquares(new KernelConfig(1, group), x, sum, n, 1);
                return;
            }

            // Each group's partial sum, then one group adds them in group order: deterministic.
            _partials ??= device.Accelerator.Allocate1D<float>(MaxPartials);
            _sumOfSquares(new KernelConfig(groups, group), x, _partials.View, n, 1);
            _sumOfSquares(new KernelConfig(1, device.RowConfig(1, groups).GroupDim.X), _partials.View, sum, groups, 0);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>
    /// scale[0] = the clipping factor for norm = √(Σ_{i &lt; count} sums[i]) (summed in double): with <paramref name="global"/>
    /// limit·min(1/norm, 1/limit) + (norm − norm) (NaN for a norm that is not finite, Keras's clip_by_global_norm); otherwise
    /// 1 when norm ≤ limit, else limit/norm (clipnorm; NaN for a NaN norm).
    /// </summary>
    public void Scale(ArrayView<float> sums, int count, float limit, bool global, ArrayView<float> scale)
    {
        const string name = "ClipScale";
        Check.Positive(name, count, nameof(count));
        Check.Length(name, sums, count, nameof(sums));
        Check.Length(name, scale, 1, nameof(scale));
        try
        {
            _scale ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, float, int>(ScaleKernel);
            _scale(new KernelConfig(1, 1), sums, scale, count, limit, global ? 1 : 0);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _partials?.Dispose();

    // partial[group] = Σ over the group's grid-stride share of x[i]² (or x[i] without square).
    private static void SumKernel(ArrayView<float> x, ArrayView<float> partial, int n, int square)
    {
        ArrayView<float> scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        float acc = 0f;
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            float v = x[i];
            acc += square != 0 ? v * v : v;
        }

        float total = GroupReduce.All(scratch, GroupReduce.Sum, acc);
        if (Group.IdxX == 0)
        {
            partial[Grid.IdxX] = total;
        }
    }

    private static void ScaleKernel(ArrayView<float> sums, ArrayView<float> scale, int count, float limit, int global)
    {
        if (Grid.GlobalIndex.X != 0)
        {
            return;
        }

        double total = 0;
        for (int i = 0; i < count; i++)
        {
            total += sums[i];
        }

        double norm = Math.Sqrt(total);
        scale[0] = global != 0
            ? (float)((limit * Math.Min(1.0 / norm, 1.0 / limit)) + (norm - norm))
            : norm <= limit ? 1f : (float)(limit / norm);
    }
}
