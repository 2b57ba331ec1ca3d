using ILGPU;
using ILGPU.Runtime;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Reductions over one axis on the layout [outer, n, inner] (the CPU engine's <c>Reduction</c>): y[o, i] = ⊕_a x[o, a, i],
/// the adjoints of sum/mean and max/min, and the indices of the extrema (ArgMax/ArgMin).
/// </summary>
/// <remarks>
/// <para>
/// inner = 1 (the last axis, or everything): one group per row with a tree reduction in shared memory. inner &gt; 1 (the
/// column sums of a bias gradient, batch-norm statistics): one thread per output column; when there are too few columns
/// to fill the device, the axis is cut into chunks whose partial results a second kernel combines in chunk order. Both
/// are deterministic run to run. Sums accumulate in float, in a different order than the CPU engine (equal to rounding).
/// Max and Min propagate NaN as NumPy does; they need n ≥ 1.
/// </para>
/// </remarks>
internal sealed class ReductionKernels(GpuDevice device) : IDisposable
{
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int, float>? _rows;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceShape>? _columns;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ReduceShape>? _combine;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int, float>? _spread;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>? _extremumBackward;
    private Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, int, int>? _arg;
    private const int SquaredDeviation = 3, DeviationProduct = 4;

    private MemoryBuffer1D<float, Stride1D.Dense>? _partials;

    /// <summary>y[o, i] = scale·Σ_a x[o, a, i] (scale 1/n gives the mean; 0 for an empty axis).</summary>
    public void Sum(ArrayView<float> x, int outer, int n, int inner, ArrayView<float> y, float scale = 1f) =>
        Reduce("Sum", GroupReduce.Sum, x, outer, n, inner, y, scale);

    /// <summary>y[o, i] = max_a x[o, a, i] (n ≥ 1).</summary>
    public void Max(ArrayView<float> x, int outer, int n, int inner, ArrayView<float> y) =>
        Reduce("Max", GroupReduce.Max, x, outer, n, inner, y, 1f);

    /// <summary>y[o, i] = min_a x[o, a, i] (n ≥ 1).</summary>
    public void Min(ArrayView<float> x, int outer, int n, int inner, ArrayView<float> y) =>
        Reduce("Min", GroupReduce.Min, x, outer, n, inner, y, 1f);

    /// <summary>sums[c] = Σ_r x[r, c] over a [rows, cols] matrix (a bias gradient).</summary>
    public void ColumnSums(ArrayView<float> x, int rows, int cols, ArrayView<float> sums) =>
        Reduce("ColumnSums", GroupReduce.Sum, x, 1, rows, cols, sums, 1f);

    /// <summary>y[c] = scale·Σ_r (x[r, c] − center[c])² over a [rows, cols] matrix (a variance about a known mean).</summary>
    public void ColumnSquaredDeviations(ArrayView<float> x, ArrayView<float> center, int rows, int cols, ArrayView<float> y, float scale)
    {
        Check.Length("ColumnSquaredDeviations", center, cols, nameof(center));
        Reduce("ColumnSquaredDeviations", SquaredDeviation, x, 1, rows, cols, y, scale, center, x);
    }

    /// <summary>y[c] = Σ_r other[r, c]·(x[r, c] − center[c]) over a [rows, cols] matrix (batch norm's Σ dy·(x − mean)).</summary>
    public void ColumnDeviationProducts(ArrayView<float> x, ArrayView<float> center, ArrayView<float> other, int rows, int cols, ArrayView<float> y)
    {
        Check.Length("ColumnDeviationProducts", center, cols, nameof(center));
        Check.Length("ColumnDeviationProducts", other, (long)rows * cols, nameof(other));
        Reduce("ColumnDeviationProducts", DeviationProduct, x, 1, rows, cols, y, 1f, center, other);
    }

    /// <summary>dx[o, a, i] = scale·g[o, i]: the adjoint of Sum (scale 1) and Mean (scale 1/n).</summary>
    public void Spread(ArrayView<float> g, int outer, int n, int inner, float scale, ArrayView<float> dx)
    {
        const string name = "Spread";
        int total = CheckShape(name, outer, n, inner);
        Check.Length(name, g, (long)outer * inner, nameof(g));
        Check.Length(name, dx, total, nameof(dx));
        try
        {
            _spread ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int, float>(SpreadKernel);
            _spread(device.ElementwiseConfig(total), g, dx, total, n, inner, scale);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>
    /// The adjoint of Max or Min: dx[o, a, i] = g[o, i] / c[o, i] where x[o, a, i] equals the extremum y[o, i], else 0, c the
    /// number of such a (ties share the gradient, as TensorFlow's <c>reduce_max</c>); a NaN extremum gives NaN.
    /// </summary>
    public void ExtremumBackward(ArrayView<float> x, ArrayView<float> y, ArrayView<float> g, int outer, int n, int inner, ArrayView<float> dx)
    {
        const string name = "ExtremumBackward";
        int total = CheckShape(name, outer, n, inner);
        int outputs = Check.Product(name, (long)outer * inner, "y");
        Check.Length(name, x, total, nameof(x));
        Check.Length(name, y, outputs, nameof(y));
        Check.Length(name, g, outputs, nameof(g));
        Check.Length(name, dx, total, nameof(dx));
        try
        {
            _extremumBackward ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int>(ExtremumBackwardKernel);
            _extremumBackward(device.ElementwiseConfig(outputs), x, y, g, dx, outputs, n, inner);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <summary>
    /// indices[o, i] = the first a where x[o, a, i] is largest (or smallest without <paramref name="max"/>), as a float; the
    /// first NaN wins. On the last axis (inner = 1) +0 counts as larger than −0, as the CPU engine's
    /// <c>TensorPrimitives.IndexOfMax</c>/<c>IndexOfMin</c> take it; along other axes equal zeros tie, as its column loop
    /// does. One thread per output scans its axis in order (n ≥ 1).
    /// </summary>
    public void ArgExtremum(ArrayView<float> x, int outer, int n, int inner, ArrayView<float> indices, bool max)
    {
        string name = max ? "ArgMax" : "ArgMin";
        int total = CheckShape(name, outer, n, inner);
        int outputs = Check.Product(name, (long)outer * inner, "indices");
        if (n == 0 && outputs > 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"GPU kernel '{name}' needs a non-empty axis, but received n = 0.");
        }

        Check.Length(name, x, total, nameof(x));
        Check.Length(name, indices, outputs, nameof(indices));
        if (outputs == 0)
        {
            return;
        }

        try
        {
            _arg ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int, int>(ArgKernel);
            _arg(device.ElementwiseConfig(outputs), x, indices, outputs, n, inner, (max ? 1 : 0) | (inner == 1 ? 2 : 0));
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _partials?.Dispose();

    private void Reduce(string name, int op, ArrayView<float> x, int outer, int n, int inner, ArrayView<float> y, float scale) =>
        Reduce(name, op, x, outer, n, inner, y, scale, x, x);

    // center and other are read only by the deviation ops (pass x otherwise: a kernel must not receive a null view).
    private void Reduce(string name, int op, ArrayView<float> x, int outer, int n, int inner, ArrayView<float> y, float scale,
        ArrayView<float> center, ArrayView<float> other)
    {
        int total = CheckShape(name, outer, n, inner);
        if (n == 0 && op is GroupReduce.Max or GroupReduce.Min)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"GPU kernel '{name}' needs a non-empty axis, but received n = 0.");
        }

        int outputs = Check.Product(name, (long)outer * inner, "y");
        Check.Length(name, x, total, nameof(x));
        Check.Length(name, y, outputs, nameof(y));
        if (outputs == 0)
        {
            return;
        }

        try
        {
            if (inner == 1 && op <= GroupReduce.Min)
            {
                _rows ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, int, float>(RowsKernel);
                _rows(device.RowConfig(outer, n), x, y, outer, n, op, scale);
                return;
            }

            // Enough independent columns fill the device alone; otherwise cut the axis into chunks of at least 32.
            int target = device.Kind == GpuDeviceKind.Cuda ? device.MaxElementwiseGroups * device.ElementwiseGroupSize : 1;
            int chunks = (int)Math.Clamp(Math.Min((long)target / outputs, (n + 31L) / 32), 1, 1024);
            var shape = new ReduceShape(outer, n, inner, op, scale, chunks, (n + chunks - 1) / chunks);
            _columns ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, ReduceShape>(ColumnsKernel);
            if (chunks == 1)
            {
                _columns(device.ElementwiseConfig(outputs), x, center, other, y, shape);
                return;
            }

            long need = (long)chunks * outputs;
            if (_partials is null || _partials.Length < need)
            {
                _partials?.Dispose();
                _partials = device.Accelerator.Allocate1D<float>(need);
            }

            _combine ??= device.Accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ReduceShape>(CombineKernel);
            _columns(device.ElementwiseConfig(need), x, center, other, _partials.View, shape);
            _combine(device.ElementwiseConfig(outputs), _partials.View, y, shape);
        }
        catch (Exception e) when (GpuDevice.IsDeviceFailure(e))
        {
            throw device.Fail(name, e);
        }
    }

    private static int CheckShape(string name, int outer, int n, int inner)
    {
        Check.NonNegative(name, outer, nameof(outer));
        Check.NonNegative(name, n, nameof(n));
        Check.NonNegative(name, inner, nameof(inner));
        return Check.Product(name, (long)outer * n * inner, "x");
    }

    private static void RowsKernel(ArrayView<float> x, ArrayView<float> y, int rows, int n, int op, float scale)
    {
        ArrayView<float> scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        for (int row = Grid.IdxX; row < rows; row += Grid.DimX)
        {
            float acc = GroupReduce.Identity(op);
            long start = (long)row * n;
            for (int a = Group.IdxX; a < n; a += Group.DimX)
            {
                acc = GroupReduce.Combine(op, acc, x[start + a]);
            }

            float r = GroupReduce.All(scratch, op, acc);
            if (Group.IdxX == 0)
            {
                y[row] = op == GroupReduce.Sum ? r * scale : r;
            }
        }
    }

    // One thread per (chunk, o, i): the chunk's partial result, into y directly when there is one chunk.
    private static void ColumnsKernel(ArrayView<float> x, ArrayView<float> center, ArrayView<float> other, ArrayView<float> partials, ReduceShape s)
    {
        int outputs = s.Outer * s.Inner;
        long total = (long)s.Chunks * outputs;
        for (long t = Grid.GlobalIndex.X; t < total; t += Grid.DimX * Group.DimX)
        {
            int chunk = (int)(t / outputs);
            int column = (int)(t - ((long)chunk * outputs));
            int o = column / s.Inner, i = column - (o * s.Inner);
            int first = chunk * s.ChunkLength, last = Math.Min(s.N, first + s.ChunkLength);
            float acc = GroupReduce.Identity(s.Op <= GroupReduce.Min ? s.Op : GroupReduce.Sum);
            long at = (((long)o * s.N) + first) * s.Inner + i;
            float mid = s.Op > GroupReduce.Min ? center[i] : 0f;
            for (int a = first; a < last; a++, at += s.Inner)
            {
                float v = x[at];
                acc = s.Op == SquaredDeviation ? acc + ((v - mid) * (v - mid))
                    : s.Op == DeviationProduct ? acc + (other[at] * (v - mid))
                    : GroupReduce.Combine(s.Op, acc, v);
            }

            partials[t] = s.Chunks == 1 && s.Op != GroupReduce.Max && s.Op != GroupReduce.Min ? acc * s.Scale : acc;
        }
    }

    private static void CombineKernel(ArrayView<float> partials, ArrayView<float> y, ReduceShape s)
    {
        int outputs = s.Outer * s.Inner;
        for (int c = Grid.GlobalIndex.X; c < outputs; c += Grid.DimX * Group.DimX)
        {
            int op = s.Op <= GroupReduce.Min ? s.Op : GroupReduce.Sum;
            float acc = partials[c];
            for (int chunk = 1; chunk < s.Chunks; chunk++)
            {
                acc = GroupReduce.Combine(op, acc, partials[((long)chunk * outputs) + c]);
            }

            y[c] = op == GroupReduce.Sum ? acc * s.Scale : acc;
        }
    }

    private static void SpreadKernel(ArrayView<float> g, ArrayView<float> dx, int total, int n, int inner, float scale)
    {
        for (int t = Grid.GlobalIndex.X; t < total; t += Grid.DimX * Group.DimX)
        {
            int i = t % inner, o = t / inner / n;
            dx[t] = scale * g[(o * inner) + i];
        }
    }

    private static void ExtremumBackwardKernel(ArrayView<float> x, ArrayView<float> y, ArrayView<float> g, ArrayView<float> dx, int outputs, int n, int inner)
    {
        for (int c = Grid.GlobalIndex.X; c < outputs; c += Grid.DimX * Group.DimX)
        {
            int o = c / inner, i = c - (o * inner);
            float best = y[c];
            long start = ((long)o * n * inner) + i;
            float count = 0f;
            for (int a = 0; a < n; a++)
            {
                count += x[start + ((long)a * inner)] == best ? 1f : 0f;
            }

            float share = g[c] / count;   // a NaN extremum matches nothing: 0/0 = NaN, as TensorFlow
            for (int a = 0; a < n; a++)
            {
                long at = start + ((long)a * inner);
                dx[at] = float.IsNaN(best) ? float.NaN : x[at] == best ? share : 0f;
            }
        }
    }

    // flags: bit 0 max (else min), bit 1 signed zeros ordered (+0 above −0).
    private static void ArgKernel(ArrayView<float> x, ArrayView<float> indices, int outputs, int n, int inner, int flags)
    {
        bool max = (flags & 1) != 0, signedZeros = (flags & 2) != 0;
        for (int c = Grid.GlobalIndex.X; c < outputs; c += Grid.DimX * Group.DimX)
        {
            int o = c / inner, i = c - (o * inner);
            long start = ((long)o * n * inner) + i;
            float best = x[start];
            int at = 0;
            for (int a = 1; a < n && !float.IsNaN(best); a++)
            {
                float v = x[start + ((long)a * inner)];
                bool take = float.IsNaN(v) || (max ? v > best : v < best);
                if (!take && signedZeros && v == 0f && best == 0f)
                {
                    // 1/±0 = ±∞ tells the signs apart.
                    bool vNegative = 1f / v < 0f, bestNegative = 1f / best < 0f;
                    take = max ? bestNegative && !vNegative : vNegative && !bestNegative;
                }

                if (take)
                {
                    best = v;
                    at = a;
                }
            }

            indices[c] = at;
        }
    }

    /// <summary>A reduction's geometry and chunking, as one kernel argument.</summary>
    internal readonly record struct ReduceShape(int Outer, int N, int Inner, int Op, float Scale, int Chunks, int ChunkLength);
}
