using ILGPU;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// Float transcendentals for device code, accurate to a few ulps on every backend, with the same formulas as the CPU
/// engine's <c>VectorMath</c> where that one avoids cancellation.
/// </summary>
/// <remarks>
/// <para>
/// ILGPU's PTX backend lowers <c>MathF.Exp</c>, <c>Log</c> and <c>Tanh</c> to the hardware approximations
/// <c>ex2.approx</c>, <c>lg2.approx</c> and <c>tanh.approx</c>; the last has a relative error near 2⁻¹¹ and the first two
/// lose relative precision for large arguments (exp) and near 1 (log). These helpers only call <c>MathF.Exp</c> on a
/// reduced argument in [−0.35, 0.35] (where ex2.approx is within 2 ulps), and compute log, log1p and tanh from
/// polynomials and that exp, so a kernel gives the same results, to float tolerance, on a GPU as on the CPU.
/// </para>
/// <para>NaN propagates through every function.</para>
/// </remarks>
internal static class GpuMath
{
    private const float Log2E = 1.44269504f;
    private const float Ln2Hi = 0.693145752f;   // ln 2 with its low 9 bits zero: n·Ln2Hi is exact for |n| < 512 (Cody–Waite)
    private const float Ln2Lo = 1.42860677e-6f;

    /// <summary>e^x: n = round(x·log2 e), r = x − n·ln 2 (two-part constant), e^r·2^n; 0 below −104, ∞ above 88.72.</summary>
    public static float Exp(float x)
    {
        if (!(x > -104f))
        {
            return float.IsNaN(x) ? x : 0f;
        }

        if (x > 88.7228394f)
        {
            return float.PositiveInfinity;
        }

        float n = MathF.Floor((x * Log2E) + 0.5f);
        float r = (x - (n * Ln2Hi)) - (n * Ln2Lo);
        float e = MathF.Exp(r);
        int k = (int)n;
        if (k < -126)
        {
            // 2^k is subnormal: scale in two steps.
            e *= 5.96046448e-8f;   // 2^-24
            k += 24;
        }
        else if (k > 127)
        {
            e *= 2f;
            k -= 1;
        }

        return e * Interop.IntAsFloat((uint)(k + 127) << 23);
    }

    /// <summary>ln x: x = m·2^k with m in [√½, √2), ln x = k·ln 2 + 2·atanh((m − 1)/(m + 1)) by its series.</summary>
    public static float Log(float x)
    {
        if (!(x > 0f) || x == float.PositiveInfinity)
        {
            return x == 0f ? float.NegativeInfinity : x == float.PositiveInfinity ? x : float.NaN;
        }

        int k = 0;
        if (x < 1.17549435e-38f)
        {
            x *= 16777216f;   // 2^24: normalise a subnormal
            k = -24;
        }

        uint bits = Interop.FloatAsInt(x);
        k += (int)((bits >> 23) & 0xFF) - 127;
        float m = Interop.IntAsFloat((bits & 0x007FFFFFu) | 0x3F800000u);   // in [1, 2)
        if (m > 1.41421356f)
        {
            m *= 0.5f;
            k++;
        }

        float s = (m - 1f) / (m + 1f);   // |s| ≤ 0.1716
        return (k * Ln2Hi) + ((k * Ln2Lo) + (2f * Atanh(s)));
    }

    /// <summary>ln(1 + u) for u in [0, 1] without cancellation: 2·atanh(u / (2 + u)).</summary>
    public static float Log1p(float u) => 2f * Atanh(u / (2f + u));

    /// <summary>e^x − 1: Taylor series for |x| &lt; 0.5 (no cancellation), e^x − 1 beyond.</summary>
    public static float Expm1(float x)
    {
        if (MathF.Abs(x) >= 0.5f)
        {
            return Exp(x) - 1f;
        }

        // x·(1 + x/2·(1 + x/3·(… (1 + x/9)))): truncation below 1e-9 relative for |x| < 0.5.
        float p = 1f + (x / 9f);
        p = 1f + (x / 8f * p);
        p = 1f + (x / 7f * p);
        p = 1f + (x / 6f * p);
        p = 1f + (x / 5f * p);
        p = 1f + (x / 4f * p);
        p = 1f + (x / 3f * p);
        p = 1f + (x / 2f * p);
        return x * p;
    }

    /// <summary>σ(x) = 1 / (1 + e^−x); saturates cleanly to 0 and 1.</summary>
    public static float Sigmoid(float x) => 1f / (1f + Exp(-x));

    /// <summary>tanh(x): odd series below 0.125, sign(x)·(1 − e)/(1 + e) with e = e^(−2|x|) beyond.</summary>
    public static float Tanh(float x)
    {
        float ax = MathF.Abs(x);
        float t;
        if (ax < 0.125f)
        {
            float x2 = ax * ax;
            float p = (x2 * (62f / 2835f)) - (17f / 315f);
            p = (x2 * p) + (2f / 15f);
            p = (x2 * p) - (1f / 3f);
            t = ax + (ax * x2 * p);
        }
        else
        {
            float e = Exp(-2f * ax);
            t = (1f - e) / (1f + e);
        }

        return x < 0f ? -t : float.IsNaN(x) ? x : t;
    }

    /// <summary>
    /// Φ(x), the standard normal CDF, as erfc(|x|/√2)/2 mirrored for x ≥ 0, erfc by the Chebyshev fit of Numerical
    /// Recipes §6.2 (fractional error below 1.2e-7), as the CPU engine computes it.
    /// </summary>
    public static float NormalCdf(float x)
    {
        float z = MathF.Abs(x) * 0.707106781f;
        float t = 1f / (1f + (0.5f * z));
        float p = (t * 0.17087277f) - 0.82215223f;
        p = (t * p) + 1.48851587f;
        p = (t * p) - 1.13520398f;
        p = (t * p) + 0.27886807f;
        p = (t * p) - 0.18628806f;
        p = (t * p) + 0.09678418f;
        p = (t * p) + 0.37409196f;
        p = (t * p) + 1.00002368f;
        p = (t * p) - 1.26551223f;
        float half = t * Exp(p - (z * z)) * 0.5f;
        return x < 0f ? half : 1f - half;
    }

    /// <summary>φ(x) = e^(−x²/2)/√(2π).</summary>
    public static float NormalPdf(float x) => Exp(x * x * -0.5f) * 0.398942280f;

    /// <summary>
    /// x^y with <see cref="MathF.Pow"/>'s special cases for the values a network meets: y = 0 or x = 1 gives 1, a negative
    /// base needs an integer exponent (else NaN), zero gives 0 or ∞ by the sign of y; otherwise e^(y·ln|x|).
    /// </summary>
    public static float Pow(float x, float y)
    {
        if (y == 0f || x == 1f)
        {
            return 1f;
        }

        if (float.IsNaN(x) || float.IsNaN(y))
        {
            return float.NaN;
        }

        if (x == 0f)
        {
            return y > 0f ? 0f : float.PositiveInfinity;
        }

        float r = Exp(y * Log(MathF.Abs(x)));
        if (x > 0f)
        {
            return r;
        }

        if (MathF.Floor(y) != y)
        {
            return float.NaN;
        }

        // Odd integer exponents keep the sign; |y| ≥ 2^24 is always even in float.
        return MathF.Abs(y) < 16777216f && ((long)y & 1) != 0 ? -r : r;
    }

    // atanh(s) = s + s³/3 + s⁵/5 + … for |s| ≤ 1/3 (Log1p's range); 11 terms keep the truncation below 1e-10.
    private static float Atanh(float s)
    {
        float s2 = s * s;
        float p = 1f / 21f;
        p = (p * s2) + (1f / 19f);
        p = (p * s2) + (1f / 17f);
        p = (p * s2) + (1f / 15f);
        p = (p * s2) + (1f / 13f);
        p = (p * s2) + (1f / 11f);
        p = (p * s2) + (1f / 9f);
        p = (p * s2) + (1f / 7f);
        p = (p * s2) + (1f / 5f);
        p = (p * s2) + (1f / 3f);
        return s + (s * s2 * p);
    }
}
