using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>The backward pass of clipping to [min, max] (the forward pass is <c>TensorPrimitives.Clamp</c>).</summary>
internal static class Clip
{
    /// <summary>
    /// dx[i] = g[i] where min ≤ x[i] ≤ max, else 0: the gradient passes wherever the input was not moved,
    /// boundaries included (as TensorFlow's <c>clip_by_value</c>). NaN inputs get 0. <c>dx</c> may alias
    /// <c>g</c> or <c>x</c> exactly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> g, ReadOnlySpan<float> x, float min, float max, Span<float> dx)
    {
        if (g.Length != x.Length)
        {
            ThrowHelper.LengthMismatch(nameof(g), g.Length, nameof(x), x.Length);
        }

        if (dx.Length < x.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(dx), x.Length, dx.Length);
        }

        ref float pg = ref MemoryMarshal.GetReference(g);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float pd = ref MemoryMarshal.GetReference(dx);
        int n = x.Length, i = 0;
        if (Simd.Use512)
        {
            Vector512<float> lo = Vector512.Create(min), hi = Vector512.Create(max);
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref px, (nuint)i);
                Vector512<float> inside = Vector512.GreaterThanOrEqual(v, lo) & Vector512.LessThanOrEqual(v, hi);
                (inside & Vector512.LoadUnsafe(ref pg, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
            }
        }
        else if (Simd.Use256)
        {
            Vector256<float> lo = Vector256.Create(min), hi = Vector256.Create(max);
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref px, (nuint)i);
                Vector256<float> inside = Vector256.GreaterThanOrEqual(v, lo) & Vector256.LessThanOrEqual(v, hi);
                (inside & Vector256.LoadUnsafe(ref pg, (nuint)i)).StoreUnsafe(ref pd, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            float v = Unsafe.Add(ref px, i);
            Unsafe.Add(ref pd, i) = v >= min && v <= max ? Unsafe.Add(ref pg, i) : 0f;
        }
    }
}
