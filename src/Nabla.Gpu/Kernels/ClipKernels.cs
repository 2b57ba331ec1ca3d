using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Gradient clipping by norm without reading the gradients on the host (the optimizers' <c>clipnorm</c> and
/// <c>global_clipnorm</c>): each gradient's sum of squares into one element of a small device buffer, then the clipping
/// factor computed on the device from those sums, which the update multiplies in.
/// </summary>
/// <remarks>
/// The sum of squares is one group's tree reduction (deterministic; accumulated in float in a different order than the
/// CPU engine's <c>TensorPrimitives.SumOfSquares</c>, so equal to rounding). The factor is computed by one thread in
/// double with the CPU engine's formulas, so from the same sums it gives the same float.
/// </remarks>
internal sealed class ClipKernels(GpuDevice device)
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int>? _sumOfSquares;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float, int>? _scale;

    /// <summary>sum[0] = Σ_{i &lt; n} x[i]² (0 for n = 0).</summary>
    public void SumOfSquares(ArrayView<float> x, int n, ArrayView<float> sum)
    {
        const string name = "SumOfSquares";
        Check.NonNegative(name, n, nameof(n));
        Check.Length(name, x, n, nameof(x));
        Check.Length(name, sum, 1, nameof(sum));
        try
        {
            _sumOfSquares ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int>(SumOfSquaresKernel);
            _sumOfSquares(new KernelConfig(1, device.RowConfig(1, Math.Max(n, 1)).GroupDim.X), x, sum, n);
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

    private static void SumOfSquaresKernel(ArrayView<float> x, ArrayView<float> sum, int n)
    {
        ArrayView<float> scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        float acc = 0f;
        for (int i = Group.IdxX; i < n; i += Group.DimX)
        {
            float v = x[i];
            acc += v * v;
        }

        float total = GroupReduce.All(scratch, GroupReduce.Sum, acc);
        if (Group.IdxX == 0)
        {
            sum[0] = total;
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
