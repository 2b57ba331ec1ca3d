using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Numerically stable softmax and log-softmax over the rows of a row-major [rows, cols] buffer, and their
/// backward rules.
/// </summary>
/// <remarks>
/// <para>
/// Every row is shifted by its maximum m before exponentiating, so e^(x − m) ≤ 1 never overflows and the largest
/// term is exactly 1 (the sum is at least 1, so log of it is finite). Log-softmax is (x − m) − ln Σe^(x − m),
/// subtracting in that order so that no large intermediate (m + ln Σ) loses the low bits of x − m: logits of
/// ±1e4 come out exact. <c>TensorPrimitives.SoftMax</c> does not shift and returns NaN for such logits.
/// </para>
/// <para>
/// A −∞ entry gets probability 0 (log-probability −∞). A row without any finite maximum (all −∞, or containing
/// +∞ or NaN) has no defined softmax and yields NaN, as in NumPy and TensorFlow. Destinations may alias
/// sources exactly.
/// </para>
/// </remarks>
internal static partial class Softmax
{
    /// <summary>y[r, :] = softmax(x[r, :]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxRows(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        CheckRows(x, y, rows, cols);
        if (IsNarrow(rows, cols))
        {
            Narrow(x, y, rows, cols, log: false);
            return;
        }

        for (int r = 0, start = 0; r < rows && cols > 0; r++, start += cols)
        {
            ReadOnlySpan<float> xr = x.Slice(start, cols);
            Span<float> yr = y.Slice(start, cols);
            float m = TensorPrimitives.Max(xr);
            float s = ExpShiftSum(xr, m, yr);
            TensorPrimitives.Divide(yr, s, yr);
        }
    }

    /// <summary>y[r, :] = log_softmax(x[r, :]) = (x − m) − ln Σ e^(x − m), m the row's maximum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LogSoftmaxRows(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        CheckRows(x, y, rows, cols);
        if (IsNarrow(rows, cols))
        {
            Narrow(x, y, rows, cols, log: true);
            return;
        }

        for (int r = 0, start = 0; r < rows && cols > 0; r++, start += cols)
        {
            ReadOnlySpan<float> xr = x.Slice(start, cols);
            Span<float> yr = y.Slice(start, cols);
            float m = TensorPrimitives.Max(xr);
            float logSum = MathF.Log(ExpShiftSum(xr, m, default));
            TensorPrimitives.Subtract(xr, m, yr);
            TensorPrimitives.Subtract(yr, logSum, yr);
        }
    }

    /// <summary>
    /// Softmax backward from its output y: dx = y ⊙ (g − Σ g⊙y) per row (the Jacobian diag(y) − y·yᵀ applied to g).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SoftmaxBackwardRows(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, int rows, int cols)
    {
        CheckRows(y, dx, rows, cols);
        CheckRows(g, dx, rows, cols);
        for (int r = 0, start = 0; r < rows && cols > 0; r++, start += cols)
        {
            ReadOnlySpan<float> yr = y.Slice(start, cols), gr = g.Slice(start, cols);
            float dot = TensorPrimitives.Dot(gr, yr);
            TensorPrimitives.AddMultiply(gr, -dot, yr, dx.Slice(start, cols));
        }
    }

    /// <summary>
    /// Log-softmax backward from its output y: dx = g − softmax·Σg per row, with softmax = e^y (the Jacobian
    /// I − 1·softmaxᵀ, transposed, applied to g).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LogSoftmaxBackwardRows(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, int rows, int cols)
    {
        CheckRows(y, dx, rows, cols);
        CheckRows(g, dx, rows, cols);
        for (int r = 0, start = 0; r < rows && cols > 0; r++, start += cols)
        {
            ReadOnlySpan<float> gr = g.Slice(start, cols);
            SubtractScaledExp(gr, y.Slice(start, cols), TensorPrimitives.Sum(gr), dx.Slice(start, cols));
        }
    }

    /// <summary>
    /// Σ e^(x[i] − shift), also storing each term into <paramref name="y"/> unless it is empty. The vectorised
    /// core of softmax; summed in float, which is exact enough because every term is at most 1 after the shift.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float ExpShiftSum(ReadOnlySpan<float> x, float shift, Span<float> y)
    {
        bool store = !y.IsEmpty;
        if (store && y.Length < x.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(y), x.Length, y.Length);
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        float sum = 0f;
        if (Simd.Use512 && n >= Vector512<float>.Count)
        {
            Vector512<float> acc = Vector512<float>.Zero, s = Vector512.Create(shift);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> e = Vector512.Exp(Vector512.LoadUnsafe(ref px, (nuint)i) - s);
                if (store)
                {
                    e.StoreUnsafe(ref py, (nuint)i);
                }

                acc += e;
            }

            sum += Vector512.Sum(acc);
        }

        if (Simd.Use256 && n - i >= Vector256<float>.Count)
        {
            Vector256<float> acc = Vector256<float>.Zero, s = Vector256.Create(shift);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> e = Vector256.Exp(Vector256.LoadUnsafe(ref px, (nuint)i) - s);
                if (store)
                {
                    e.StoreUnsafe(ref py, (nuint)i);
                }

                acc += e;
            }

            sum += Vector256.Sum(acc);
        }

        for (; i < n; i++)
        {
            float e = MathF.Exp(Unsafe.Add(ref px, i) - shift);
            if (store)
            {
                Unsafe.Add(ref py, i) = e;
            }

            sum += e;
        }

        return sum;
    }

    /// <summary>dx[i] = g[i] − e^(y[i])·scale, in one pass (so dx may alias g or y).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractScaledExp(ReadOnlySpan<float> g, ReadOnlySpan<float> y, float scale, Span<float> dx)
    {
        if (g.Length != y.Length)
        {
            ThrowHelper.LengthMismatch(nameof(g), g.Length, nameof(y), y.Length);
        }

        if (dx.Length < g.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(dx), g.Length, dx.Length);
        }

        ref float pg = ref MemoryMarshal.GetReference(g);
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pd = ref MemoryMarshal.GetReference(dx);
        int n = g.Length, i = 0;
        if (Simd.Use512)
        {
            var s = Vector512.Create(-scale);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512.FusedMultiplyAdd(Vector512.Exp(Vector512.LoadUnsafe(ref py, (nuint)i)), s, Vector512.LoadUnsafe(ref pg, (nuint)i))
                    .StoreUnsafe(ref pd, (nuint)i);
            }
        }

        if (Simd.Use256)
        {
            var s = Vector256.Create(-scale);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256.FusedMultiplyAdd(Vector256.Exp(Vector256.LoadUnsafe(ref py, (nuint)i)), s, Vector256.LoadUnsafe(ref pg, (nuint)i))
                    .StoreUnsafe(ref pd, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref pd, i) = Unsafe.Add(ref pg, i) - (MathF.Exp(Unsafe.Add(ref py, i)) * scale);
        }
    }

    private static void CheckRows(ReadOnlySpan<float> x, Span<float> y, int rows, int cols)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        int n = rows * cols;
        if (x.Length < n)
        {
            ThrowHelper.SourceTooShort(nameof(x), n, x.Length);
        }

        if (y.Length < n)
        {
            ThrowHelper.DestinationTooShort(nameof(y), n, y.Length);
        }
    }
}
