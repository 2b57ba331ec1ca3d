using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Reductions over one axis, and their adjoints, on the layout [outer, n, inner]: the reduced axis has length
/// n, <c>outer</c> is the product of the axes before it and <c>inner</c> of the axes after it. Results are
/// [outer, inner]. A reduction over all elements is outer = inner = 1.
/// </summary>
/// <remarks>
/// When inner is 1 (the last axis, or everything) each row is contiguous and is reduced with TensorPrimitives'
/// horizontal kernels. Otherwise rows of length inner are combined elementwise, vectorised across inner, so
/// that memory is read once, in order. Sums accumulate in float. Max and Min propagate NaN as NumPy does;
/// ArgMax and ArgMin return the first index of the extremum, or of the first NaN.
/// </remarks>
internal static class Reduction
{
    /// <summary>y[o, i] = Σ_a x[o, a, i] (0 for an empty axis).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sum(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> y)
    {
        Check(x, outer, n, inner, y, nameof(y));
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                y[o] = TensorPrimitives.Sum(x.Slice(o * n, n));
            }

            return;
        }

        for (int o = 0; o < outer; o++)
        {
            Span<float> acc = y.Slice(o * inner, inner);
            acc.Clear();
            for (int a = 0; a < n; a++)
            {
                TensorPrimitives.Add(acc, x.Slice(((o * n) + a) * inner, inner), acc);
            }
        }
    }

    /// <summary>y[o, i] = max_a x[o, a, i]; the axis must not be empty.</summary>
    public static void Max(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> y) =>
        Extremum<MaximumOp>(x, outer, n, inner, y);

    /// <summary>y[o, i] = min_a x[o, a, i]; the axis must not be empty.</summary>
    public static void Min(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> y) =>
        Extremum<MinimumOp>(x, outer, n, inner, y);

    /// <summary>
    /// indices[o, i] = the first a where x[o, a, i] is largest (or the first NaN), as a float. <c>best</c> is
    /// scratch of the same length as <c>indices</c>. The axis must not be empty.
    /// </summary>
    public static void ArgMax(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> best, Span<float> indices) =>
        Arg<Greater>(x, outer, n, inner, best, indices);

    /// <summary>As <see cref="ArgMax"/>, for the smallest element.</summary>
    public static void ArgMin(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> best, Span<float> indices) =>
        Arg<Less>(x, outer, n, inner, best, indices);

    /// <summary>dx[o, a, i] = scale·g[o, i]: the adjoint of Sum (scale 1) and Mean (scale 1/n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Spread(ReadOnlySpan<float> g, int outer, int n, int inner, float scale, Span<float> dx)
    {
        Check(dx, outer, n, inner, g, nameof(g));
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                dx.Slice(o * n, n).Fill(g[o] * scale);
                continue;
            }

            ReadOnlySpan<float> row = g.Slice(o * inner, inner);
            for (int a = 0; a < n; a++)
            {
                TensorPrimitives.Multiply(row, scale, dx.Slice(((o * n) + a) * inner, inner));
            }
        }
    }

    /// <summary>
    /// The adjoint of Max or Min: dx[o, a, i] = g[o, i] / c[o, i] where x[o, a, i] equals the extremum
    /// y[o, i], else 0, with c the number of such a, so that ties share the gradient equally (as TensorFlow's
    /// <c>reduce_max</c>). A NaN extremum matches nothing and gives NaN, as in TensorFlow. <c>counts</c> is scratch
    /// of length outer·inner (unused when inner is 1).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ExtremumBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> g,
        int outer, int n, int inner, Span<float> counts, Span<float> dx)
    {
        Check(x, outer, n, inner, y, nameof(y));
        Check(dx, outer, n, inner, g, nameof(g));
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                Span<float> row = dx.Slice(o * n, n);
                Binary.MapScalarRight<EqualMaskOp>(x.Slice(o * n, n), y[o], row);
                TensorPrimitives.Multiply(row, g[o] / TensorPrimitives.Sum(row), row);
                continue;
            }

            // Pass 1: dx holds the 0/1 mask of the extremum, counts its sum over the axis.
            Span<float> c = counts.Slice(o * inner, inner);
            ReadOnlySpan<float> yRow = y.Slice(o * inner, inner);
            c.Clear();
            for (int a = 0; a < n; a++)
            {
                int at = ((o * n) + a) * inner;
                Span<float> mask = dx.Slice(at, inner);
                Binary.Map<EqualMaskOp>(x.Slice(at, inner), yRow, mask);
                TensorPrimitives.Add(c, mask, c);
            }

            // Pass 2: each selected element gets its share g / count.
            TensorPrimitives.Divide(g.Slice(o * inner, inner), c, c);
            for (int a = 0; a < n; a++)
            {
                Span<float> mask = dx.Slice(((o * n) + a) * inner, inner);
                TensorPrimitives.Multiply(mask, c, mask);
            }
        }
    }

    private static void Extremum<TOp>(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> y)
        where TOp : struct, IBinaryOp
    {
        Check(x, outer, n, inner, y, nameof(y));
        CheckNotEmpty(outer, n, inner);
        bool max = typeof(TOp) == typeof(MaximumOp);
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                ReadOnlySpan<float> row = x.Slice(o * n, n);
                y[o] = max ? TensorPrimitives.Max(row) : TensorPrimitives.Min(row);
                continue;
            }

            Span<float> acc = y.Slice(o * inner, inner);
            x.Slice(o * n * inner, inner).CopyTo(acc);
            for (int a = 1; a < n; a++)
            {
                Binary.Map<TOp>(acc, x.Slice(((o * n) + a) * inner, inner), acc);
            }
        }
    }

    private static void Arg<TBetter>(ReadOnlySpan<float> x, int outer, int n, int inner, Span<float> best, Span<float> indices)
        where TBetter : struct, IBetter
    {
        Check(x, outer, n, inner, indices, nameof(indices));
        if (best.Length < outer * inner)
        {
            ThrowHelper.DestinationTooShort(nameof(best), outer * inner, best.Length);
        }

        CheckNotEmpty(outer, n, inner);
        for (int o = 0; o < outer; o++)
        {
            if (inner == 1)
            {
                ReadOnlySpan<float> row = x.Slice(o * n, n);
                indices[o] = typeof(TBetter) == typeof(Greater) ? TensorPrimitives.IndexOfMax(row) : TensorPrimitives.IndexOfMin(row);
                continue;
            }

            Span<float> b = best.Slice(o * inner, inner), idx = indices.Slice(o * inner, inner);
            x.Slice(o * n * inner, inner).CopyTo(b);
            idx.Clear();
            for (int a = 1; a < n; a++)
            {
                Improve<TBetter>(x.Slice(((o * n) + a) * inner, inner), a, b, idx);
            }
        }
    }

    // Where row[i] beats best[i], best[i] = row[i] and idx[i] = a. Strict comparison keeps the first index on ties.
    private static void Improve<TBetter>(ReadOnlySpan<float> row, float a, Span<float> best, Span<float> idx)
        where TBetter : struct, IBetter
    {
        ref float pr = ref MemoryMarshal.GetReference(row);
        ref float pb = ref MemoryMarshal.GetReference(best);
        ref float pi = ref MemoryMarshal.GetReference(idx);
        int n = row.Length, i = 0;
        if (Simd.Use512)
        {
            Vector512<float> va = Vector512.Create(a);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref pr, (nuint)i), b = Vector512.LoadUnsafe(ref pb, (nuint)i);
                Vector512<float> take = TBetter.Invoke(v, b);
                Vector512.ConditionalSelect(take, v, b).StoreUnsafe(ref pb, (nuint)i);
                Vector512.ConditionalSelect(take, va, Vector512.LoadUnsafe(ref pi, (nuint)i)).StoreUnsafe(ref pi, (nuint)i);
            }
        }
        else if (Simd.Use256)
        {
            Vector256<float> va = Vector256.Create(a);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref pr, (nuint)i), b = Vector256.LoadUnsafe(ref pb, (nuint)i);
                Vector256<float> take = TBetter.Invoke(v, b);
                Vector256.ConditionalSelect(take, v, b).StoreUnsafe(ref pb, (nuint)i);
                Vector256.ConditionalSelect(take, va, Vector256.LoadUnsafe(ref pi, (nuint)i)).StoreUnsafe(ref pi, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref pr, i);
            if (TBetter.Invoke(v, Unsafe.Add(ref pb, i)))
            {
                Unsafe.Add(ref pb, i) = v;
                Unsafe.Add(ref pi, i) = a;
            }
        }
    }

    private static void Check(ReadOnlySpan<float> x, int outer, int n, int inner, ReadOnlySpan<float> y, string yName)
    {
        if (outer < 0 || n < 0 || inner < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(outer), $"Reduction layout [{outer}, {n}, {inner}] is invalid: outer and n must be non-negative and inner positive.");
        }

        if (x.Length < outer * n * inner)
        {
            ThrowHelper.SourceTooShort(nameof(x), outer * n * inner, x.Length);
        }

        if (y.Length < outer * inner)
        {
            ThrowHelper.DestinationTooShort(yName, outer * inner, y.Length);
        }
    }

    private static void CheckNotEmpty(int outer, int n, int inner)
    {
        if (n == 0 && outer * inner > 0)
        {
            throw new ArgumentException($"Cannot take the extremum of an empty axis (layout [{outer}, 0, {inner}]).", nameof(n));
        }
    }

    /// <summary>Whether a candidate replaces the current best: strictly better, or NaN replacing a number.</summary>
    private interface IBetter
    {
        static abstract bool Invoke(float x, float best);

        static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> best);

        static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> best);
    }

    private readonly struct Greater : IBetter
    {
        public static bool Invoke(float x, float best) => x > best || (float.IsNaN(x) && !float.IsNaN(best));

        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> best) =>
            Vector256.GreaterThan(x, best) | (~Vector256.Equals(x, x) & Vector256.Equals(best, best));

        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> best) =>
            Vector512.GreaterThan(x, best) | (~Vector512.Equals(x, x) & Vector512.Equals(best, best));
    }

    private readonly struct Less : IBetter
    {
        public static bool Invoke(float x, float best) => x < best || (float.IsNaN(x) && !float.IsNaN(best));

        public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> best) =>
            Vector256.LessThan(x, best) | (~Vector256.Equals(x, x) & Vector256.Equals(best, best));

        public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> best) =>
            Vector512.LessThan(x, best) | (~Vector512.Equals(x, x) & Vector512.Equals(best, best));
    }
}
