using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>Conversions of other element types to float, for loading data (IDX files hold unsigned bytes).</summary>
/// <remarks>
/// Vectorised with Vector256 where <see cref="Simd.Use256"/> allows it, with a scalar tail. Every byte value is exactly
/// representable as a float, so the result is exact. Source and destination must not overlap.
/// </remarks>
internal static class Conversion
{
    /// <summary>y[i] = (float)x[i] for unsigned bytes.</summary>
    public static void BytesToFloats(ReadOnlySpan<byte> x, Span<float> y)
    {
        if (y.Length < x.Length)
        {
            ThrowHelper.DestinationTooShort(nameof(y), x.Length, y.Length);
        }

        ref byte px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        int n = x.Length, i = 0;

        // Vector256 only: the conversion is bound by memory bandwidth, and one vector path keeps the test honest
        // (an AVX-512 path would be the only one exercised on AVX-512 machines). 32 bytes widen to 4 × 8 int32 lanes;
        // Widen returns (lower, upper) halves, so element order is kept.
        if (Simd.Use256)
        {
            for (; i <= n - Vector256<byte>.Count; i += Vector256<byte>.Count)
            {
                (Vector256<ushort> lo, Vector256<ushort> hi) = Vector256.Widen(Vector256.LoadUnsafe(ref px, (nuint)i));
                (Vector256<uint> a, Vector256<uint> b) = Vector256.Widen(lo);
                (Vector256<uint> c, Vector256<uint> d) = Vector256.Widen(hi);
                Vector256.ConvertToSingle(a.AsInt32()).StoreUnsafe(ref py, (nuint)i);
                Vector256.ConvertToSingle(b.AsInt32()).StoreUnsafe(ref py, (nuint)(i + 8));
                Vector256.ConvertToSingle(c.AsInt32()).StoreUnsafe(ref py, (nuint)(i + 16));
                Vector256.ConvertToSingle(d.AsInt32()).StoreUnsafe(ref py, (nuint)(i + 24));
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref py, i) = Unsafe.Add(ref px, i);
        }
    }
}
