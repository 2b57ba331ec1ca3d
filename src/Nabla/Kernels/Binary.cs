using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Drivers for elementwise binary operators: same-length spans, a scalar on either side, and NumPy
/// broadcasting over shapes.
/// </summary>
/// <remarks>
/// Each driver picks Vector512 or Vector256 at run time through <see cref="Simd"/> (so tests can force the narrower
/// paths) and finishes with a scalar tail. Destination may alias either source exactly (in place); partial overlap is not supported.
/// NaN propagates as the operator's scalar form defines.
/// </remarks>
internal static class Binary
{
    /// <summary>y[i] = op(a[i], b[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
        where TOp : struct, IBinaryOp
    {
        if (a.Length != b.Length)
        {
            ThrowHelper.LengthMismatch(nameof(a), a.Length, nameof(b), b.Length);
        }

        if (y.Length < a.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(y), a.Length, y.Length);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = a.Length, i = 0;
        if (Simd.Use512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref pa, (nuint)i), Vector512.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Simd.Use256)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref pa, (nuint)i), Vector256.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref py, i) = TOp.Invoke(Unsafe.Add(ref pa, i), Unsafe.Add(ref pb, i));
        }
    }

    /// <summary>y[i] = op(a[i], b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MapScalarRight<TOp>(ReadOnlySpan<float> a, float b, Span<float> y)
        where TOp : struct, IBinaryOp
    {
        if (y.Length < a.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(y), a.Length, y.Length);
        }

        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = a.Length, i = 0;
        if (Simd.Use512)
        {
            var vb = Vector512.Create(b);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Invoke(Vector512.LoadUnsafe(ref pa, (nuint)i), vb).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Simd.Use256)
        {
            var vb = Vector256.Create(b);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref pa, (nuint)i), vb).StoreUnsafe(ref py, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref py, i) = TOp.Invoke(Unsafe.Add(ref pa, i), b);
        }
    }

    /// <summary>y[i] = op(a, b[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MapScalarLeft<TOp>(float a, ReadOnlySpan<float> b, Span<float> y)
        where TOp : struct, IBinaryOp
    {
        if (y.Length < b.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(y), b.Length, y.Length);
        }

        ref float pb = ref MemoryMarshal.GetReference(b);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = b.Length, i = 0;
        if (Simd.Use512)
        {
            var va = Vector512.Create(a);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                TOp.Invoke(va, Vector512.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Simd.Use256)
        {
            var va = Vector256.Create(a);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(va, Vector256.LoadUnsafe(ref pb, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref py, i) = TOp.Invoke(a, Unsafe.Add(ref pb, i));
        }
    }

    /// <summary>
    /// y = op(a, b) with NumPy broadcasting: shapes are right-aligned, and each axis of a and b must equal
    /// the output's or be 1. The caller has validated the shapes (see <c>Broadcast.ResultShape</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Broadcast<TOp>(
        ReadOnlySpan<float> a, ReadOnlySpan<int> aDims,
        ReadOnlySpan<float> b, ReadOnlySpan<int> bDims,
        Span<float> y, ReadOnlySpan<int> yDims)
        where TOp : struct, IBinaryOp
    {
        int rank = yDims.Length;
        if (rank == 0 || a.Length == y.Length && b.Length == y.Length)
        {
            Map<TOp>(a[..y.Length], b[..y.Length], y);
            return;
        }

        if (a.Length == 1 && b.Length == y.Length)
        {
            MapScalarLeft<TOp>(a[0], b, y);
            return;
        }

        if (b.Length == 1 && a.Length == y.Length)
        {
            MapScalarRight<TOp>(a, b[0], y);
            return;
        }

        // General case: element strides of a and b over the output's axes (0 on broadcast axes), adjacent
        // axes merged where all three tensors are contiguous across them, then an odometer over the outer axes
        // with a vectorised inner row.
        Span<int> dims = stackalloc int[rank];
        Span<int> sa = stackalloc int[rank];
        Span<int> sb = stackalloc int[rank];
        int r = Strides.Collapse(aDims, bDims, yDims, dims, sa, sb);
        dims = dims[..r];
        sa = sa[..r];
        sb = sb[..r];

        int inner = dims[r - 1], innerA = sa[r - 1], innerB = sb[r - 1];
        int outer = y.Length / Math.Max(inner, 1);
        Span<int> index = stackalloc int[r];
        index.Clear();
        int offA = 0, offB = 0;
        for (int o = 0; o < outer; o++)
        {
            Span<float> row = y.Slice(o * inner, inner);
            if (innerA != 0 && innerB != 0)
            {
                Map<TOp>(a.Slice(offA, inner), b.Slice(offB, inner), row);
            }
            else if (innerA == 0 && innerB != 0)
            {
                MapScalarLeft<TOp>(a[offA], b.Slice(offB, inner), row);
            }
            else if (innerB == 0 && innerA != 0)
            {
                MapScalarRight<TOp>(a.Slice(offA, inner), b[offB], row);
            }
            else
            {
                row.Fill(TOp.Invoke(a[offA], b[offB]));
            }

            // Advance the odometer over axes 0..r-2.
            for (int ax = r - 2; ax >= 0; ax--)
            {
                index[ax]++;
                offA += sa[ax];
                offB += sb[ax];
                if (index[ax] < dims[ax])
                {
                    break;
                }

                offA -= sa[ax] * dims[ax];
                offB -= sb[ax] * dims[ax];
                index[ax] = 0;
            }
        }
    }
}
