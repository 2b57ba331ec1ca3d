using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

// The forward activation functions as IActivationOp structs for ActivationDriver. Each vector form matches its scalar
// form to a few ulps; the scalar forms evaluate in double (see VectorMath). The derivatives are in
// ActivationGradientOps.cs.

/// <summary>f(x) = x.</summary>
internal readonly struct IdentityOp : IActivationOp
{
    public float Invoke(float x) => x;

    public Vector256<float> Invoke(Vector256<float> x) => x;

    public Vector512<float> Invoke(Vector512<float> x) => x;
}

/// <summary>relu(x) = max(x, 0); NaN stays NaN.</summary>
internal readonly struct ReluOp : IActivationOp
{
    public float Invoke(float x) => MathF.Max(x, 0f);

    public Vector256<float> Invoke(Vector256<float> x) => Vector256.Max(x, Vector256<float>.Zero);

    public Vector512<float> Invoke(Vector512<float> x) => Vector512.Max(x, Vector512<float>.Zero);
}

/// <summary>sigmoid(x) = 1 / (1 + e^−x).</summary>
internal readonly struct SigmoidOp : IActivationOp
{
    public float Invoke(float x) => VectorMath.Sigmoid(x);

    public Vector256<float> Invoke(Vector256<float> x) => VectorMath.Sigmoid(x);

    public Vector512<float> Invoke(Vector512<float> x) => VectorMath.Sigmoid(x);
}

/// <summary>tanh(x).</summary>
internal readonly struct TanhOp : IActivationOp
{
    public float Invoke(float x) => VectorMath.Tanh(x);

    public Vector256<float> Invoke(Vector256<float> x) => VectorMath.Tanh(x);

    public Vector512<float> Invoke(Vector512<float> x) => VectorMath.Tanh(x);
}

/// <summary>elu(x) = x for x &gt; 0, alpha·(e^x − 1) otherwise.</summary>
internal readonly struct EluOp(float alpha) : IActivationOp
{
    public float Invoke(float x) => x > 0f ? x : alpha * VectorMath.Expm1(x);

    public Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, VectorMath.Expm1(x) * alpha);

    public Vector512<float> Invoke(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, VectorMath.Expm1(x) * alpha);
}

/// <summary>selu(x) = scale·elu(x, alpha) with Keras's constants (Klambauer et al., 2017).</summary>
internal readonly struct SeluOp : IActivationOp
{
    public const float Alpha = 1.67326324f;
    public const float Scale = 1.05070098f;

    public float Invoke(float x) => Scale * (x > 0f ? x : Alpha * VectorMath.Expm1(x));

    public Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, VectorMath.Expm1(x) * Alpha) * Scale;

    public Vector512<float> Invoke(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, VectorMath.Expm1(x) * Alpha) * Scale;
}

/// <summary>gelu(x) = x·Φ(x), Φ the standard normal CDF (Keras's default, approximate=False).</summary>
internal readonly struct GeluOp : IActivationOp
{
    public float Invoke(float x) => x * VectorMath.NormalCdf(x);

    public Vector256<float> Invoke(Vector256<float> x) => x * VectorMath.NormalCdf(x);

    public Vector512<float> Invoke(Vector512<float> x) => x * VectorMath.NormalCdf(x);
}

/// <summary>
/// The tanh approximation of gelu (approximate=True): x/2·(1 + tanh(u)), u = √(2/π)·(x + 0.044715x³), evaluated as
/// the identical x·σ(2u), which does not cancel for large negative x.
/// </summary>
internal readonly struct GeluTanhOp : IActivationOp
{
    public const float Coefficient = 0.044715f;
    public const float TwoSqrt2OverPi = 1.59576912160573f;   // 2·√(2/π)

    public float Invoke(float x) => x * VectorMath.Sigmoid(TwoSqrt2OverPi * (x + (Coefficient * x * x * x)));

    public Vector256<float> Invoke(Vector256<float> x) =>
        x * VectorMath.Sigmoid(Vector256.FusedMultiplyAdd(x * x * x, Vector256.Create(Coefficient), x) * TwoSqrt2OverPi);

    public Vector512<float> Invoke(Vector512<float> x) =>
        x * VectorMath.Sigmoid(Vector512.FusedMultiplyAdd(x * x * x, Vector512.Create(Coefficient), x) * TwoSqrt2OverPi);
}

/// <summary>leaky_relu(x) = x for x &gt; 0, negativeSlope·x otherwise.</summary>
internal readonly struct LeakyReluOp(float negativeSlope) : IActivationOp
{
    public float Invoke(float x) => x > 0f ? x : negativeSlope * x;

    public Vector256<float> Invoke(Vector256<float> x) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256<float>.Zero), x, x * negativeSlope);

    public Vector512<float> Invoke(Vector512<float> x) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512<float>.Zero), x, x * negativeSlope);
}

/// <summary>softplus(x) = ln(1 + e^x), evaluated as ln(1 + e^−|x|) + max(x, 0) so that it never overflows.</summary>
internal readonly struct SoftplusOp : IActivationOp
{
    public float Invoke(float x) => VectorMath.Log1p(MathF.Exp(-MathF.Abs(x))) + MathF.Max(x, 0f);

    public Vector256<float> Invoke(Vector256<float> x) =>
        VectorMath.Log1p(Vector256.Exp(-Vector256.Abs(x))) + Vector256.Max(x, Vector256<float>.Zero);

    public Vector512<float> Invoke(Vector512<float> x) =>
        VectorMath.Log1p(Vector512.Exp(-Vector512.Abs(x))) + Vector512.Max(x, Vector512<float>.Zero);
}

/// <summary>swish(x) = silu(x) = x·σ(x).</summary>
internal readonly struct SwishOp : IActivationOp
{
    public float Invoke(float x) => x * VectorMath.Sigmoid(x);

    public Vector256<float> Invoke(Vector256<float> x) => x * VectorMath.Sigmoid(x);

    public Vector512<float> Invoke(Vector512<float> x) => x * VectorMath.Sigmoid(x);
}
