using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>An elementwise function y = f(x), in scalar and vector forms, for <see cref="ActivationDriver"/>.</summary>
/// <remarks>
/// Unlike <see cref="IUnaryOp"/> and <see cref="IBinaryOp"/> these are instance methods on readonly structs, because
/// some activations carry a parameter (ELU's alpha, leaky ReLU's slope). The drivers are generic over the struct
/// type, so the JIT still specialises and inlines each one; no delegate is involved.
/// </remarks>
internal interface IActivationOp
{
    float Invoke(float x);

    Vector256<float> Invoke(Vector256<float> x);

    Vector512<float> Invoke(Vector512<float> x);
}

/// <summary>
/// The backward form of an elementwise function: dx = g·f'(·), where the second argument is whatever the
/// derivative is cheapest to express in (the function's output for ReLU, sigmoid and tanh; its input otherwise).
/// </summary>
internal interface IActivationGradientOp
{
    float Invoke(float g, float v);

    Vector256<float> Invoke(Vector256<float> g, Vector256<float> v);

    Vector512<float> Invoke(Vector512<float> g, Vector512<float> v);
}
