using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Drivers for elementwise functions (<see cref="IActivationOp"/>) and their derivatives (<see cref="IActivationGradientOp"/>),
/// including the row-wise forms a fused dense layer needs: bias add and activation in one pass, and the
/// activation's derivative together with the bias gradient's column sums.
/// </summary>
/// <remarks>
/// Each driver runs a Vector512 loop, then Vector256 for a remainder of 8..15 elements (so a row of 10 or 24 is
/// still mostly vectorised), then a scalar tail; <see cref="Simd"/> can force Vector256 or scalar code only.
/// Destinations may alias a source exactly (in place).
/// </remarks>
internal static partial class ActivationDriver
{
    /// <summary>y[i] = f(x[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TOp>(in TOp op, ReadOnlySpan<float> x, Span<float> y)
        where TOp : struct, IActivationOp
    {
        if (y.Length < x.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(y), x.Length, y.Length);
        }

        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;
        if (Simd.Use512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                op.Invoke(Vector512.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }

        if (Simd.Use256)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                op.Invoke(Vector256.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref py, i) = op.Invoke(Unsafe.Add(ref px, i));
        }
    }

    /// <summary>
    /// For a [rows, cols] buffer with cols = <paramref name="bias"/>.Length: z = x + bias (bias added to every row),
    /// y = f(z), and z is also stored into <paramref name="pre"/> unless that is empty. One pass; x, y and pre may
    /// alias exactly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MapBias<TOp>(in TOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> bias, Span<float> y, Span<float> pre)
        where TOp : struct, IActivationOp
    {
        int cols = bias.Length;
        if (x.Length == 0)
        {
            return;
        }

        if (cols == 0 || x.Length % cols != 0)
        {
            ThrowHelper.LengthMismatch(nameof(x), x.Length, nameof(bias), cols);
        }

        if (y.Length < x.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(y), x.Length, y.Length);
        }

        bool store = !pre.IsEmpty;
        if (store && pre.Length < x.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(pre), x.Length, pre.Length);
        }

        ref float pb = ref MemoryMarshal.GetReference(bias);
        for (int start = 0; start < x.Length; start += cols)
        {
            ref float px = ref Unsafe.Add(ref MemoryMarshal.GetReference(x), start);
            ref float py = ref Unsafe.Add(ref MemoryMarshal.GetReference(y), start);
            ref float pz = ref store ? ref Unsafe.Add(ref MemoryMarshal.GetReference(pre), start) : ref py;
            int i = 0;
            if (Simd.Use512)
            {
                for (; i <= cols - Vector512<float>.Count; i += Vector512<float>.Count)
                {
                    Vector512<float> z = Vector512.LoadUnsafe(ref px, (nuint)i) + Vector512.LoadUnsafe(ref pb, (nuint)i);
                    if (store)
                    {
                        z.StoreUnsafe(ref pz, (nuint)i);
                    }

                    op.Invoke(z).StoreUnsafe(ref py, (nuint)i);
                }
            }

            if (Simd.Use256)
            {
                for (; i <= cols - Vector256<float>.Count; i += Vector256<float>.Count)
                {
                    Vector256<float> z = Vector256.LoadUnsafe(ref px, (nuint)i) + Vector256.LoadUnsafe(ref pb, (nuint)i);
                    if (store)
                    {
                        z.StoreUnsafe(ref pz, (nuint)i);
                    }

                    op.Invoke(z).StoreUnsafe(ref py, (nuint)i);
                }
            }

            for (; i < cols; i++)
            {
                float z = Unsafe.Add(ref px, i) + Unsafe.Add(ref pb, i);
                if (store)
                {
                    Unsafe.Add(ref pz, i) = z;
                }

                Unsafe.Add(ref py, i) = op.Invoke(z);
            }
        }
    }

    /// <summary>dx[i] = g[i]·f'(v[i]) in the op's convention for v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MapGradient<TOp>(in TOp op, ReadOnlySpan<float> g, ReadOnlySpan<float> v, Span<float> dx)
        where TOp : struct, IActivationGradientOp
    {
        if (g.Length != v.Length)
        {
            ThrowHelper.LengthMismatch(nameof(g), g.Length, nameof(v), v.Length);
        }

        if (dx.Length < g.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(dx), g.Length, dx.Length);
        }

        ref float pg = ref MemoryMarshal.GetReference(g);
        ref float pv = ref MemoryMarshal.GetReference(v);
        ref float pd = ref MemoryMarshal.GetReference(dx);
        int n = g.Length, i = 0;
        if (Simd.Use512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                op.Invoke(Vector512.LoadUnsafe(ref pg, (nuint)i), Vector512.LoadUnsafe(ref pv, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
            }
        }

        if (Simd.Use256)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                op.Invoke(Vector256.LoadUnsafe(ref pg, (nuint)i), Vector256.LoadUnsafe(ref pv, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref pd, i) = op.Invoke(Unsafe.Add(ref pg, i), Unsafe.Add(ref pv, i));
        }
    }
}
