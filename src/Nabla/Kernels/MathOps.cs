using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

// Elementwise binary operators beyond the four arithmetic ones, for Binary's drivers: extrema, comparison masks
// (1 where the relation holds, else 0; used by gradients) and power.

/// <summary>
/// max(x, y) as NumPy's <c>maximum</c>: NaN in either operand gives NaN, and on equality (including -0 and +0)
/// the first operand.
/// </summary>
internal readonly struct MaximumOp : IBinaryOp
{
    public static float Invoke(float x, float y) => x >= y || float.IsNaN(x) ? x : y;

    // Vector256.Max follows the x86 instruction (NaN in the first operand is dropped), hence the explicit select.
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
        Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, y) | ~Vector256.Equals(x, x), x, y);

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
        Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, y) | ~Vector512.Equals(x, x), x, y);
}

/// <summary>min(x, y) as NumPy's <c>minimum</c>: NaN in either operand gives NaN, and on equality the first operand.</summary>
internal readonly struct MinimumOp : IBinaryOp
{
    public static float Invoke(float x, float y) => x <= y || float.IsNaN(x) ? x : y;

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
        Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, y) | ~Vector256.Equals(x, x), x, y);

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
        Vector512.ConditionalSelect(Vector512.LessThanOrEqual(x, y) | ~Vector512.Equals(x, x), x, y);
}

/// <summary>1 where x ≥ y, else 0 (0 when either is NaN).</summary>
internal readonly struct GreaterOrEqualMaskOp : IBinaryOp
{
    public static float Invoke(float x, float y) => x >= y ? 1f : 0f;

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
        Vector256.GreaterThanOrEqual(x, y) & Vector256<float>.One;

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
        Vector512.GreaterThanOrEqual(x, y) & Vector512<float>.One;
}

/// <summary>1 where x ≤ y, else 0 (0 when either is NaN).</summary>
internal readonly struct LessOrEqualMaskOp : IBinaryOp
{
    public static float Invoke(float x, float y) => x <= y ? 1f : 0f;

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
        Vector256.LessThanOrEqual(x, y) & Vector256<float>.One;

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
        Vector512.LessThanOrEqual(x, y) & Vector512<float>.One;
}

/// <summary>1 where x = y, else 0 (0 when either is NaN).</summary>
internal readonly struct EqualMaskOp : IBinaryOp
{
    public static float Invoke(float x, float y) => x == y ? 1f : 0f;

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) =>
        Vector256.Equals(x, y) & Vector256<float>.One;

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) =>
        Vector512.Equals(x, y) & Vector512<float>.One;
}

/// <summary>x^y as <see cref="MathF.Pow"/> (NaN for a negative base with a non-integer exponent).</summary>
internal readonly struct PowOp : IBinaryOp
{
    public static float Invoke(float x, float y) => MathF.Pow(x, y);

    // The BCL has no vector pow, so lanes go through MathF.Pow one at a time; the drivers still handle the
    // loads, stores and broadcasting.
    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y)
    {
        Vector256<float> r = default;
        for (int i = 0; i < Vector256<float>.Count; i++)
        {
            r = r.WithElement(i, MathF.Pow(x.GetElement(i), y.GetElement(i)));
        }

        return r;
    }

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y)
    {
        Vector512<float> r = default;
        for (int i = 0; i < Vector512<float>.Count; i++)
        {
            r = r.WithElement(i, MathF.Pow(x.GetElement(i), y.GetElement(i)));
        }

        return r;
    }
}
