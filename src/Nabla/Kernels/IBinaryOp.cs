using System.Runtime.Intrinsics;

namespace Nabla.Kernels;

/// <summary>An elementwise binary operator, in scalar and vector forms, for <see cref="Binary"/>'s drivers.</summary>
internal interface IBinaryOp
{
    static abstract float Invoke(float x, float y);

    static abstract Vector256<float> Invoke(Vector256<float> x, Vector256<float> y);

    static abstract Vector512<float> Invoke(Vector512<float> x, Vector512<float> y);
}

/// <summary>x + y.</summary>
internal readonly struct AddOp : IBinaryOp
{
    public static float Invoke(float x, float y) => x + y;

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x + y;

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x + y;
}

/// <summary>x - y.</summary>
internal readonly struct SubtractOp : IBinaryOp
{
    public static float Invoke(float x, float y) => x - y;

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x - y;

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x - y;
}

/// <summary>x * y.</summary>
internal readonly struct MultiplyOp : IBinaryOp
{
    public static float Invoke(float x, float y) => x * y;

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x * y;

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x * y;
}

/// <summary>x / y (IEEE: division by zero gives ±infinity or NaN).</summary>
internal readonly struct DivideOp : IBinaryOp
{
    public static float Invoke(float x, float y) => x / y;

    public static Vector256<float> Invoke(Vector256<float> x, Vector256<float> y) => x / y;

    public static Vector512<float> Invoke(Vector512<float> x, Vector512<float> y) => x / y;
}
