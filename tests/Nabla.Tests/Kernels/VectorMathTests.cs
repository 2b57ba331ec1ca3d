using System.Runtime.Intrinsics;
using Nabla.Kernels;
using Nabla.Tests.Support;

namespace Nabla.Tests.Kernels;

public class VectorMathTests
{
    public static TheoryData<string, double, double, double> Functions() => new()
    {
        // name, grid low, grid high, bound on the relative error (a few float ulps)
        { "tanh", -12, 12, 4e-7 },
        { "sigmoid", -80, 30, 4e-7 },
        { "expm1", -20, 10, 4e-7 },
        { "log1p", 0, 1, 4e-7 },
        { "normal_cdf", -12, 8, 6e-7 },   // the erfc fit itself is good to 1.2e-7
        { "normal_pdf", -12, 12, 4e-7 },
    };

    [Theory]
    [MemberData(nameof(Functions))]
    public void Vector_and_scalar_forms_are_accurate_to_a_few_ulps(string name, double low, double high, double bound)
    {
        // A dense grid plus a geometric sweep towards 0, where tanh, expm1 and log1p would cancel if done naively.
        var xs = new List<float>();
        for (int i = 0; i <= 20000; i++)
        {
            xs.Add((float)(low + ((high - low) * i / 20000)));
        }

        for (double t = 1e-8; t < 1; t *= 1.07)
        {
            if (t >= low && t <= high)
            {
                xs.Add((float)t);
            }

            if (-t >= low && -t <= high)
            {
                xs.Add((float)-t);
            }
        }

        double worst512 = 0, worst256 = 0, worstScalar = 0;
        foreach (float x in xs)
        {
            double r = Reference(name, x);
            // e^(−x²/2) in float carries the rounding of x²/2, a relative error of about ε·x²/2; the normal
            // CDF and PDF are allowed that conditioning factor in their tails.
            double scale = Math.Max(Math.Abs(r), 1e-30) * (name.StartsWith("normal", StringComparison.Ordinal) ? Math.Max(1, x * (double)x / 2) : 1);
            worst512 = Math.Max(worst512, Math.Abs(V512(name, x) - r) / scale);
            worst256 = Math.Max(worst256, Math.Abs(V256(name, x) - r) / scale);
            worstScalar = Math.Max(worstScalar, Math.Abs(Scalar(name, x) - r) / scale);
        }

        Assert.True(worst512 <= bound, $"{name} Vector512: worst relative error {worst512:E2} > {bound:E2}");
        Assert.True(worst256 <= bound, $"{name} Vector256: worst relative error {worst256:E2} > {bound:E2}");
        Assert.True(worstScalar <= bound, $"{name} scalar: worst relative error {worstScalar:E2} > {bound:E2}");
    }

    private static double Reference(string name, double x) => name switch
    {
        "tanh" => Math.Tanh(x),
        "sigmoid" => ReferenceMath.Sigmoid(x),
        "expm1" => ReferenceMath.Expm1(x),
        "log1p" => ReferenceMath.Log1p(x),
        "normal_cdf" => ReferenceMath.NormalCdf(x),
        _ => ReferenceMath.NormalPdf(x),
    };

    private static float V512(string name, float x)
    {
        Vector512<float> v = Vector512.Create(x);
        return (name switch
        {
            "tanh" => VectorMath.Tanh(v),
            "sigmoid" => VectorMath.Sigmoid(v),
            "expm1" => VectorMath.Expm1(v),
            "log1p" => VectorMath.Log1p(v),
            "normal_cdf" => VectorMath.NormalCdf(v),
            _ => VectorMath.NormalPdf(v),
        }).GetElement(0);
    }

    private static float V256(string name, float x)
    {
        Vector256<float> v = Vector256.Create(x);
        return (name switch
        {
            "tanh" => VectorMath.Tanh(v),
            "sigmoid" => VectorMath.Sigmoid(v),
            "expm1" => VectorMath.Expm1(v),
            "log1p" => VectorMath.Log1p(v),
            "normal_cdf" => VectorMath.NormalCdf(v),
            _ => VectorMath.NormalPdf(v),
        }).GetElement(0);
    }

    private static float Scalar(string name, float x) => name switch
    {
        "tanh" => VectorMath.Tanh(x),
        "sigmoid" => VectorMath.Sigmoid(x),
        "expm1" => VectorMath.Expm1(x),
        "log1p" => VectorMath.Log1p(x),
        "normal_cdf" => VectorMath.NormalCdf(x),
        _ => VectorMath.NormalPdf(x),
    };
}
