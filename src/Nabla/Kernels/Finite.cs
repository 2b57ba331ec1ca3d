using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>Finds NaN and infinite values (input validation before training).</summary>
internal static class Finite
{
    /// <summary>The index of the first NaN or ±infinity in <paramref name="x"/>, or -1 when all are finite.</summary>
    /// <remarks>
    /// Uses x − x, which is 0 for every finite x and NaN otherwise, so one compare covers both cases. Vector512 or
    /// Vector256 (see <see cref="Simd"/>) finds the first vector holding one; the scalar loop then finds it within.
    /// </remarks>
    public static int IndexOfNonFinite(ReadOnlySpan<float> x)
    {
        ref float p = ref MemoryMarshal.GetReference(x);
        int n = x.Length, i = 0;
        if (Simd.Use512)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                Vector512<float> v = Vector512.LoadUnsafe(ref p, (nuint)i);
                if (!Vector512.EqualsAll(v - v, Vector512<float>.Zero))
                {
                    break;
                }
            }
        }
        else if (Simd.Use256)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> v = Vector256.LoadUnsafe(ref p, (nuint)i);
                if (!Vector256.EqualsAll(v - v, Vector256<float>.Zero))
                {
                    break;
                }
            }
        }

        for (; i < n; i++)
        {
            if (!float.IsFinite(x[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
