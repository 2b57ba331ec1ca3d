using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>An elementwise unary operator, in scalar and vector forms, for <see cref="Unary.Map{TOp}"/>.</summary>
/// <remarks>
/// The three forms must agree lane for lane (up to the last bit of a transcendental function), so that results
/// do not depend on the path taken.
/// </remarks>
internal interface IUnaryOp
{
    static abstract float Invoke(float x);

    static abstract Vector256<float> Invoke(Vector256<float> x);

    static abstract Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>
/// The driver for elementwise unary operators that <c>TensorPrimitives</c> lacks (most, such as Sin or Exp, it
/// has; ops call it directly for those).
/// </summary>
/// <remarks>
/// Vector512 or Vector256 (see <see cref="Simd"/>) with a scalar tail. <c>y</c> may alias <c>x</c> exactly (in
/// place); partial overlap is not supported. NaN handling is the operator's.
/// </remarks>
internal static class Unary
{
    /// <summary>y[i] = op(x[i]).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TOp>(ReadOnlySpan<float> x, Span<float> y)
        where TOp : struct, IUnaryOp
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
                TOp.Invoke(Vector512.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Simd.Use256)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                TOp.Invoke(Vector256.LoadUnsafe(ref px, (nuint)i)).StoreUnsafe(ref py, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref py, i) = TOp.Invoke(Unsafe.Add(ref px, i));
        }
    }
}

/// <summary>sign(x): 1 for positive, -1 for negative, 0 for ±0, NaN for NaN (NumPy's <c>sign</c>).</summary>
internal readonly struct SignOp : IUnaryOp
{
    public static float Invoke(float x) => x > 0f ? 1f : x < 0f ? -1f : x == 0f ? 0f : x;

    public static Vector256<float> Invoke(Vector256<float> x)
    {
        Vector256<float> one = Vector256<float>.One;
        Vector256<float> s = (Vector256.GreaterThan(x, Vector256<float>.Zero) & one) - (Vector256.LessThan(x, Vector256<float>.Zero) & one);
        return Vector256.ConditionalSelect(Vector256.Equals(x, x), s, x);
    }

    public static Vector512<float> Invoke(Vector512<float> x)
    {
        Vector512<float> one = Vector512<float>.One;
        Vector512<float> s = (Vector512.GreaterThan(x, Vector512<float>.Zero) & one) - (Vector512.LessThan(x, Vector512<float>.Zero) & one);
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), s, x);
    }
}

/// <summary>ln(x) where x &gt; 0, else 0 (also for NaN): the safe logarithm of the gradient of x^y with respect to y.</summary>
internal readonly struct LogOrZeroOp : IUnaryOp
{
    public static float Invoke(float x) => x > 0f ? MathF.Log(x) : 0f;

    public static Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.GreaterThan(x, Vector256<float>.Zero) & Vector256.Log(x);

    public static Vector512<float> Invoke(Vector512<float> x) =>
        Vector512.GreaterThan(x, Vector512<float>.Zero) & Vector512.Log(x);
}
