using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>
/// Transcendental helpers the activation kernels need and the vector types lack (tanh, sigmoid, expm1, log1p,
/// the normal CDF), in Vector512, Vector256 and scalar forms.
/// </summary>
/// <remarks>
/// <para>
/// The vector forms build on <c>Vector512.Exp</c>/<c>Log</c> (about 1.5e-7 relative error) and aim for a few
/// float ulps everywhere, including the ranges where the textbook formula cancels: tanh and expm1 near 0,
/// log1p of tiny arguments, the lower tail of the normal CDF. <c>TensorPrimitives.Tanh</c> is not used because it
/// loses precision near 0 (3e-4 relative error at 1e-4). The scalar forms compute in double, so they are as
/// accurate as the BCL and serve the vector loops' tails.
/// </para>
/// </remarks>
internal static class VectorMath
{
    // Below this |x|, tanh uses its Taylor series to x^9 (next term < 1e-8 relative); above it (1 − e)/(1 + e)
    // with e = exp(−2|x|) ≤ 0.61 is well conditioned.
    private const float TanhSeriesLimit = 0.25f;

    // Below this |x|, expm1 uses its Taylor series to x^8 (remainder < 2e-8 relative); above it exp(x) − 1 loses
    // at most about 2 ulps.
    private const float Expm1SeriesLimit = 0.5f;

    private const float InvSqrt2 = 0.707106781186547524f;

    /// <summary>σ(x) = 1 / (1 + e^−x); saturates cleanly to 0 and 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Vector512.Exp(-x));

    /// <inheritdoc cref="Sigmoid(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Vector256.Exp(-x));

    /// <inheritdoc cref="Sigmoid(Vector512{float})"/>
    public static float Sigmoid(float x) => (float)(1.0 / (1.0 + Math.Exp(-(double)x)));

    /// <summary>tanh(x): series near 0, sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|) elsewhere.</summary>
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> ax = Vector512.Abs(x);
        Vector512<float> e = Vector512.Exp(ax * -2f);
        Vector512<float> far = (Vector512<float>.One - e) / (Vector512<float>.One + e);
        Vector512<float> x2 = ax * ax;
        Vector512<float> p = Vector512.FusedMultiplyAdd(x2, Vector512.Create(62f / 2835f), Vector512.Create(-17f / 315f));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(2f / 15f));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(-1f / 3f));
        Vector512<float> near = Vector512.FusedMultiplyAdd(ax * x2, p, ax);
        return Vector512.CopySign(Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(TanhSeriesLimit)), near, far), x);
    }

    /// <inheritdoc cref="Tanh(Vector512{float})"/>
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> ax = Vector256.Abs(x);
        Vector256<float> e = Vector256.Exp(ax * -2f);
        Vector256<float> far = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        Vector256<float> x2 = ax * ax;
        Vector256<float> p = Vector256.FusedMultiplyAdd(x2, Vector256.Create(62f / 2835f), Vector256.Create(-17f / 315f));
        p = Vector256.FusedMultiplyAdd(x2, p, Vector256.Create(2f / 15f));
        p = Vector256.FusedMultiplyAdd(x2, p, Vector256.Create(-1f / 3f));
        Vector256<float> near = Vector256.FusedMultiplyAdd(ax * x2, p, ax);
        return Vector256.CopySign(Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(TanhSeriesLimit)), near, far), x);
    }

    /// <inheritdoc cref="Tanh(Vector512{float})"/>
    public static float Tanh(float x) => (float)Math.Tanh(x);

    /// <summary>e^x − 1 without the cancellation of the direct formula near 0.</summary>
    public static Vector512<float> Expm1(Vector512<float> x)
    {
        Vector512<float> p = Vector512.FusedMultiplyAdd(x, Vector512.Create(1f / 40320f), Vector512.Create(1f / 5040f));
        p = Vector512.FusedMultiplyAdd(x, p, Vector512.Create(1f / 720f));
        p = Vector512.FusedMultiplyAdd(x, p, Vector512.Create(1f / 120f));
        p = Vector512.FusedMultiplyAdd(x, p, Vector512.Create(1f / 24f));
        p = Vector512.FusedMultiplyAdd(x, p, Vector512.Create(1f / 6f));
        p = Vector512.FusedMultiplyAdd(x, p, Vector512.Create(0.5f));
        Vector512<float> near = Vector512.FusedMultiplyAdd(x * x, p, x);
        Vector512<float> far = Vector512.Exp(x) - Vector512<float>.One;
        return Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(x), Vector512.Create(Expm1SeriesLimit)), near, far);
    }

    /// <inheritdoc cref="Expm1(Vector512{float})"/>
    public static Vector256<float> Expm1(Vector256<float> x)
    {
        Vector256<float> p = Vector256.FusedMultiplyAdd(x, Vector256.Create(1f / 40320f), Vector256.Create(1f / 5040f));
        p = Vector256.FusedMultiplyAdd(x, p, Vector256.Create(1f / 720f));
        p = Vector256.FusedMultiplyAdd(x, p, Vector256.Create(1f / 120f));
        p = Vector256.FusedMultiplyAdd(x, p, Vector256.Create(1f / 24f));
        p = Vector256.FusedMultiplyAdd(x, p, Vector256.Create(1f / 6f));
        p = Vector256.FusedMultiplyAdd(x, p, Vector256.Create(0.5f));
        Vector256<float> near = Vector256.FusedMultiplyAdd(x * x, p, x);
        Vector256<float> far = Vector256.Exp(x) - Vector256<float>.One;
        return Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(x), Vector256.Create(Expm1SeriesLimit)), near, far);
    }

    /// <inheritdoc cref="Expm1(Vector512{float})"/>
    public static float Expm1(float x)
    {
        double d = x;
        return (float)(Math.Abs(d) < 1e-5 ? d + (0.5 * d * d) : Math.Exp(d) - 1.0);
    }

    /// <summary>
    /// ln(1 + u) for u ≥ 0, accurate for tiny u: with w = 1 + u rounded, ln(w)·u/(w − 1) cancels the rounding of w
    /// (Goldberg, "What every computer scientist should know about floating-point arithmetic", theorem 4).
    /// </summary>
    public static Vector512<float> Log1p(Vector512<float> u)
    {
        Vector512<float> w = Vector512<float>.One + u;
        Vector512<float> r = Vector512.Log(w) * (u / (w - Vector512<float>.One));
        return Vector512.ConditionalSelect(Vector512.Equals(w, Vector512<float>.One), u, r);
    }

    /// <inheritdoc cref="Log1p(Vector512{float})"/>
    public static Vector256<float> Log1p(Vector256<float> u)
    {
        Vector256<float> w = Vector256<float>.One + u;
        Vector256<float> r = Vector256.Log(w) * (u / (w - Vector256<float>.One));
        return Vector256.ConditionalSelect(Vector256.Equals(w, Vector256<float>.One), u, r);
    }

    /// <inheritdoc cref="Log1p(Vector512{float})"/>
    public static float Log1p(float u)
    {
        double w = 1.0 + u;
        return (float)(w == 1.0 ? u : Math.Log(w) * (u / (w - 1.0)));
    }

    /// <summary>
    /// Φ(x), the standard normal CDF, as erfc(|x|/√2)/2 mirrored for x ≥ 0. erfc uses the Chebyshev fit of
    /// Numerical Recipes (§6.2, fractional error below 1.2e-7 everywhere), so the lower tail keeps its relative
    /// precision instead of cancelling in 1 + erf(x/√2).
    /// </summary>
    public static Vector512<float> NormalCdf(Vector512<float> x)
    {
        Vector512<float> z = Vector512.Abs(x) * InvSqrt2;
        Vector512<float> t = Vector512<float>.One / Vector512.FusedMultiplyAdd(z, Vector512.Create(0.5f), Vector512<float>.One);
        Vector512<float> p = Vector512.FusedMultiplyAdd(t, Vector512.Create(0.17087277f), Vector512.Create(-0.82215223f));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(1.48851587f));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(-1.13520398f));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(0.27886807f));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(-0.18628806f));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(0.09678418f));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(0.37409196f));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(1.00002368f));
        p = Vector512.FusedMultiplyAdd(t, p, Vector512.Create(-1.26551223f));
        Vector512<float> half = t * Vector512.Exp(p - (z * z)) * 0.5f;
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero), half, Vector512<float>.One - half);
    }

    /// <inheritdoc cref="NormalCdf(Vector512{float})"/>
    public static Vector256<float> NormalCdf(Vector256<float> x)
    {
        Vector256<float> z = Vector256.Abs(x) * InvSqrt2;
        Vector256<float> t = Vector256<float>.One / Vector256.FusedMultiplyAdd(z, Vector256.Create(0.5f), Vector256<float>.One);
        Vector256<float> p = Vector256.FusedMultiplyAdd(t, Vector256.Create(0.17087277f), Vector256.Create(-0.82215223f));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(1.48851587f));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(-1.13520398f));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(0.27886807f));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(-0.18628806f));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(0.09678418f));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(0.37409196f));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(1.00002368f));
        p = Vector256.FusedMultiplyAdd(t, p, Vector256.Create(-1.26551223f));
        Vector256<float> half = t * Vector256.Exp(p - (z * z)) * 0.5f;
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256<float>.Zero), half, Vector256<float>.One - half);
    }

    /// <inheritdoc cref="NormalCdf(Vector512{float})"/>
    public static float NormalCdf(float x)
    {
        double z = Math.Abs((double)x) * 0.70710678118654752;
        double t = 1.0 / (1.0 + (0.5 * z));
        double p = -1.26551223 + (t * (1.00002368 + (t * (0.37409196 + (t * (0.09678418 + (t * (-0.18628806 +
            (t * (0.27886807 + (t * (-1.13520398 + (t * (1.48851587 + (t * (-0.82215223 + (t * 0.17087277)))))))))))))))));
        double half = 0.5 * t * Math.Exp(p - (z * z));
        return (float)(x < 0 ? half : 1.0 - half);
    }

    /// <summary>φ(x) = e^(−x²/2)/√(2π), the standard normal density.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> NormalPdf(Vector512<float> x) => Vector512.Exp(x * x * -0.5f) * 0.398942280401432678f;

    /// <inheritdoc cref="NormalPdf(Vector512{float})"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> NormalPdf(Vector256<float> x) => Vector256.Exp(x * x * -0.5f) * 0.398942280401432678f;

    /// <inheritdoc cref="NormalPdf(Vector512{float})"/>
    public static float NormalPdf(float x) => (float)(Math.Exp(-0.5 * x * (double)x) * 0.398942280401432678);
}
