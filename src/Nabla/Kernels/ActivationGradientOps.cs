using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

// The derivatives of the activations in ActivationOps.cs as IActivationGradientOp structs: dx = g·f'(·). ReLU, sigmoid
// and tanh read their own output y (cheap, and the pre-activation need not be kept); the others read the input x.

/// <summary>relu: dx = g where y &gt; 0, else 0 (v = y).</summary>
internal readonly struct ReluGradientOp : IActivationGradientOp
{
    public float Invoke(float g, float y) => y > 0f ? g : 0f;

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> y) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), g, Vector256<float>.Zero);

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> y) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), g, Vector512<float>.Zero);
}

/// <summary>g itself, for <see cref="ActivationDriver.ColumnSums"/>: the column sums of a buffer, with no dx written.</summary>
internal readonly struct SumOnlyGradientOp : IActivationGradientOp
{
    public float Invoke(float g, float v) => g;

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> v) => g;

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> v) => g;
}

/// <summary>sigmoid: σ' = σ(1 − σ), so dx = g·y·(1 − y) (v = y).</summary>
internal readonly struct SigmoidGradientOp : IActivationGradientOp
{
    public float Invoke(float g, float y) => g * y * (1f - y);

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> y) => g * y * (Vector256<float>.One - y);

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> y) => g * y * (Vector512<float>.One - y);
}

/// <summary>tanh: tanh' = 1 − tanh², so dx = g·(1 − y²) (v = y).</summary>
internal readonly struct TanhGradientOp : IActivationGradientOp
{
    public float Invoke(float g, float y) => g * (1f - (y * y));

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> y) => g * (Vector256<float>.One - (y * y));

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> y) => g * (Vector512<float>.One - (y * y));
}

/// <summary>elu: f' = 1 for x &gt; 0, alpha·e^x otherwise (v = x).</summary>
internal readonly struct EluGradientOp(float alpha) : IActivationGradientOp
{
    public float Invoke(float g, float x) => x > 0f ? g : g * alpha * MathF.Exp(x);

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), g, g * Vector256.Exp(x) * alpha);

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), g, g * Vector512.Exp(x) * alpha);
}

/// <summary>selu: f' = scale for x &gt; 0, scale·alpha·e^x otherwise (v = x).</summary>
internal readonly struct SeluGradientOp : IActivationGradientOp
{
    public float Invoke(float g, float x) => g * SeluOp.Scale * (x > 0f ? 1f : SeluOp.Alpha * MathF.Exp(x));

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> x) =>
        g * Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), Vector256<float>.One, Vector256.Exp(x) * SeluOp.Alpha) * SeluOp.Scale;

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> x) =>
        g * Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), Vector512<float>.One, Vector512.Exp(x) * SeluOp.Alpha) * SeluOp.Scale;
}

/// <summary>gelu: (x·Φ(x))' = Φ(x) + x·φ(x) (v = x).</summary>
internal readonly struct GeluGradientOp : IActivationGradientOp
{
    public float Invoke(float g, float x) => g * (VectorMath.NormalCdf(x) + (x * VectorMath.NormalPdf(x)));

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> x) =>
        g * Vector256.FusedMultiplyAdd(x, VectorMath.NormalPdf(x), VectorMath.NormalCdf(x));

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> x) =>
        g * Vector512.FusedMultiplyAdd(x, VectorMath.NormalPdf(x), VectorMath.NormalCdf(x));
}

/// <summary>
/// gelu, tanh approximation: with s = σ(2u), u = √(2/π)·(x + 0.044715x³), (x·s)' = s + x·s(1 − s)·2u', where
/// 2u' = 2√(2/π)·(1 + 3·0.044715x²) (v = x).
/// </summary>
internal readonly struct GeluTanhGradientOp : IActivationGradientOp
{
    public float Invoke(float g, float x)
    {
        float x2 = x * x;
        float s = VectorMath.Sigmoid(GeluTanhOp.TwoSqrt2OverPi * (x + (GeluTanhOp.Coefficient * x2 * x)));
        float du = GeluTanhOp.TwoSqrt2OverPi * (1f + (3f * GeluTanhOp.Coefficient * x2));
        return g * (s + (x * s * (1f - s) * du));
    }

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> x)
    {
        Vector256<float> x2 = x * x;
        Vector256<float> s = VectorMath.Sigmoid(Vector256.FusedMultiplyAdd(x2 * x, Vector256.Create(GeluTanhOp.Coefficient), x) * GeluTanhOp.TwoSqrt2OverPi);
        Vector256<float> du = Vector256.FusedMultiplyAdd(x2, Vector256.Create(3f * GeluTanhOp.Coefficient), Vector256<float>.One) * GeluTanhOp.TwoSqrt2OverPi;
        return g * Vector256.FusedMultiplyAdd(x * s * (Vector256<float>.One - s), du, s);
    }

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> x)
    {
        Vector512<float> x2 = x * x;
        Vector512<float> s = VectorMath.Sigmoid(Vector512.FusedMultiplyAdd(x2 * x, Vector512.Create(GeluTanhOp.Coefficient), x) * GeluTanhOp.TwoSqrt2OverPi);
        Vector512<float> du = Vector512.FusedMultiplyAdd(x2, Vector512.Create(3f * GeluTanhOp.Coefficient), Vector512<float>.One) * GeluTanhOp.TwoSqrt2OverPi;
        return g * Vector512.FusedMultiplyAdd(x * s * (Vector512<float>.One - s), du, s);
    }
}

/// <summary>leaky_relu: f' = 1 for x &gt; 0, negativeSlope otherwise (v = x).</summary>
internal readonly struct LeakyReluGradientOp(float negativeSlope) : IActivationGradientOp
{
    public float Invoke(float g, float x) => x > 0f ? g : g * negativeSlope;

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), g, g * negativeSlope);

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), g, g * negativeSlope);
}

/// <summary>softplus: ln(1 + e^x)' = σ(x) (v = x).</summary>
internal readonly struct SoftplusGradientOp : IActivationGradientOp
{
    public float Invoke(float g, float x) => g * VectorMath.Sigmoid(x);

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> x) => g * VectorMath.Sigmoid(x);

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> x) => g * VectorMath.Sigmoid(x);
}

/// <summary>swish: (x·σ(x))' = σ + x·σ(1 − σ) = σ·(1 + x·(1 − σ)) (v = x).</summary>
internal readonly struct SwishGradientOp : IActivationGradientOp
{
    public float Invoke(float g, float x)
    {
        float s = VectorMath.Sigmoid(x);
        return g * s * (1f + (x * (1f - s)));
    }

    public Vector256<float> Invoke(Vector256<float> g, Vector256<float> x)
    {
        Vector256<float> s = VectorMath.Sigmoid(x);
        return g * s * Vector256.FusedMultiplyAdd(x, Vector256<float>.One - s, Vector256<float>.One);
    }

    public Vector512<float> Invoke(Vector512<float> g, Vector512<float> x)
    {
        Vector512<float> s = VectorMath.Sigmoid(x);
        return g * s * Vector512.FusedMultiplyAdd(x, Vector512<float>.One - s, Vector512<float>.One);
    }
}
