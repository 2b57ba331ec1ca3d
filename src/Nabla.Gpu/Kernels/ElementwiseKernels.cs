using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Elementwise kernels: unary and binary functions on equal lengths, with a scalar on either side, with NumPy
/// broadcasting over up to six (merged) axes, and the adjoint of broadcasting (<see cref="SumTo"/>).
/// </summary>
/// <remarks>
/// Every kernel is a grid-stride loop over n elements. Destinations may alias a source exactly (in place); partial
/// overlap is not supported. Results match the CPU engine's <c>Unary</c>, <c>Binary</c> and <c>BroadcastReduce</c>
/// to float rounding (the operation order per element is the same; sums in <see cref="SumTo"/> run in a different order).
/// </remarks>
internal sealed class ElementwiseKernels(GpuDevice device)
{
    private Action<KernelConfig, ArrayView<float>, int, float>? _fill;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int>? _unary;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>? _binary;
    private Action<KernelConfig, ArrayView<float>, float, ArrayView<float>, int, int, int>? _scalar;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, BroadcastShape>? _broadcast;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, BroadcastShape>? _sumTo;

    /// <summary>y[i] = value for i in [0, n).</summary>
    public void Fill(ArrayView<float> y, int n, float value)
    {
        const string name = "Fill";
        Check.NonNegative(name, n, nameof(n));
        Check.Length(name, y, n, nameof(y));
        try
        {
            _fill ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, int, float>(FillKernel);
            _fill(device.ElementwiseConfig(n), y, n, value);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>y[i] = op(x[i]) for i in [0, n).</summary>
    public void Unary(UnaryOp op, ArrayView<float> x, ArrayView<float> y, int n)
    {
        const string name = "Unary";
        Check.NonNegative(name, n, nameof(n));
        Check.Length(name, x, n, nameof(x));
        Check.Length(name, y, n, nameof(y));
        try
        {
            _unary ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int>(UnaryKernel);
            _unary(device.ElementwiseConfig(n), x, y, n, (int)op);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail($"{name}.{op}", e);
        }
    }

    /// <summary>y[i] = op(a[i], b[i]) for i in [0, n).</summary>
    public void Binary(BinaryOp op, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n)
    {
        const string name = "Binary";
        Check.NonNegative(name, n, nameof(n));
        Check.Length(name, a, n, nameof(a));
        Check.Length(name, b, n, nameof(b));
        Check.Length(name, y, n, nameof(y));
        try
        {
            _binary ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(BinaryKernel);
            _binary(device.ElementwiseConfig(n), a, b, y, n, (int)op);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail($"{name}.{op}", e);
        }
    }

    /// <summary>y[i] = op(a[i], s) for i in [0, n), or op(s, a[i]) when <paramref name="scalarLeft"/>.</summary>
    public void Scalar(BinaryOp op, ArrayView<float> a, float s, ArrayView<float> y, int n, bool scalarLeft = false)
    {
        const string name = "Scalar";
        Check.NonNegative(name, n, nameof(n));
        Check.Length(name, a, n, nameof(a));
        Check.Length(name, y, n, nameof(y));
        try
        {
            _scalar ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, float, ArrayView<float>, int, int, int>(ScalarKernel);
            _scalar(device.ElementwiseConfig(n), a, s, y, n, (int)op, scalarLeft ? 1 : 0);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail($"{name}.{op}", e);
        }
    }

    /// <summary>
    /// y = op(a, b) with NumPy broadcasting: shapes right-aligned, each axis of a and b equal to the output's or 1.
    /// </summary>
    /// <exception cref="ArgumentException">A shape does not broadcast to <paramref name="yDims"/>, more than six axes remain after merging, or a view is too short.</exception>
    public void Broadcast(BinaryOp op, ArrayView<float> a, ReadOnlySpan<int> aDims, ArrayView<float> b, ReadOnlySpan<int> bDims,
        ArrayView<float> y, ReadOnlySpan<int> yDims)
    {
        const string name = "Broadcast";
        BroadcastShape shape = BroadcastShape.Create(name, aDims, bDims, yDims);
        int n = Check.Product(name, Product(yDims), "y");
        Check.Length(name, a, Product(aDims), nameof(a));
        Check.Length(name, b, Product(bDims), nameof(b));
        Check.Length(name, y, n, nameof(y));
        try
        {
            _broadcast ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, BroadcastShape>(BroadcastKernel);
            _broadcast(device.ElementwiseConfig(n), a, b, y, n, (int)op, shape);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail($"{name}.{op}", e);
        }
    }

    /// <summary>
    /// dst = src summed down to <paramref name="dstDims"/>, which must broadcast to <paramref name="srcDims"/> (the adjoint of
    /// broadcasting, for gradients). Overwrites dst; one thread per dst element sums its preimage in float.
    /// </summary>
    /// <exception cref="ArgumentException">dst's shape does not broadcast to src's, more than six axes remain after merging, or a view is too short.</exception>
    public void SumTo(ArrayView<float> src, ReadOnlySpan<int> srcDims, ArrayView<float> dst, ReadOnlySpan<int> dstDims)
    {
        const string name = "SumTo";
        // A = dst strides over src's axes (0 where summed), B = src's own strides.
        BroadcastShape shape = BroadcastShape.Create(name, dstDims, srcDims, srcDims);
        long srcLength = Product(srcDims);
        int dstLength = Check.Product(name, Product(dstDims), "dst");
        Check.Product(name, srcLength, "src");
        Check.Length(name, src, srcLength, nameof(src));
        Check.Length(name, dst, dstLength, nameof(dst));
        int perElement = dstLength == 0 ? 0 : (int)(srcLength / dstLength);
        try
        {
            _sumTo ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, BroadcastShape>(SumToKernel);
            _sumTo(device.ElementwiseConfig(dstLength), src, dst, dstLength, perElement, shape);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private static long Product(ReadOnlySpan<int> dims)
    {
        long p = 1;
        foreach (int d in dims)
        {
            p *= d;
        }

        return p;
    }

    private static void FillKernel(ArrayView<float> y, int n, float value)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            y[i] = value;
        }
    }

    private static void UnaryKernel(ArrayView<float> x, ArrayView<float> y, int n, int op)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            y[i] = ElementwiseOps.Unary(op, x[i]);
        }
    }

    private static void BinaryKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n, int op)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            y[i] = ElementwiseOps.Binary(op, a[i], b[i]);
        }
    }

    private static void ScalarKernel(ArrayView<float> a, float s, ArrayView<float> y, int n, int op, int scalarLeft)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            y[i] = scalarLeft != 0 ? ElementwiseOps.Binary(op, s, a[i]) : ElementwiseOps.Binary(op, a[i], s);
        }
    }

    private static void BroadcastKernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n, int op, BroadcastShape shape)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            shape.Offsets(i, out int oa, out int ob);
            y[i] = ElementwiseOps.Binary(op, a[oa], b[ob]);
        }
    }

    private static void SumToKernel(ArrayView<float> src, ArrayView<float> dst, int n, int perElement, BroadcastShape s)
    {
        for (int j = Grid.GlobalIndex.X; j < n; j += Grid.DimX * Group.DimX)
        {
            // The kept axes (dst stride ≠ 0) give j's base offset in src; the summed axes are then walked in order.
            int rest = j, offset = 0;
            Keep(ref rest, s.D5, s.A5, s.B5, ref offset);
            Keep(ref rest, s.D4, s.A4, s.B4, ref offset);
            Keep(ref rest, s.D3, s.A3, s.B3, ref offset);
            Keep(ref rest, s.D2, s.A2, s.B2, ref offset);
            Keep(ref rest, s.D1, s.A1, s.B1, ref offset);
            Keep(ref rest, s.D0, s.A0, s.B0, ref offset);
            float sum = 0f;
            for (int r = 0; r < perElement; r++)
            {
                int q = r, at = offset;
                Walk(ref q, s.D5, s.A5, s.B5, ref at);
                Walk(ref q, s.D4, s.A4, s.B4, ref at);
                Walk(ref q, s.D3, s.A3, s.B3, ref at);
                Walk(ref q, s.D2, s.A2, s.B2, ref at);
                Walk(ref q, s.D1, s.A1, s.B1, ref at);
                Walk(ref q, s.D0, s.A0, s.B0, ref at);
                sum += src[at];
            }

            dst[j] = sum;
        }
    }

    private static void Keep(ref int rest, int dim, int dstStride, int srcStride, ref int offset)
    {
        if (dstStride != 0 || dim == 1)
        {
            int q = rest / dim;
            offset += (rest - (q * dim)) * srcStride;
            rest = q;
        }
    }

    private static void Walk(ref int rest, int dim, int dstStride, int srcStride, ref int offset)
    {
        if (dstStride == 0 && dim != 1)
        {
            int q = rest / dim;
            offset += (rest - (q * dim)) * srcStride;
            rest = q;
        }
    }
}
