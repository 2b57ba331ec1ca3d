namespace Nabla.Gpu.Kernels;

/// <summary>The unary functions of <see cref="ElementwiseKernels.Unary"/>, with the CPU engine's semantics.</summary>
internal enum UnaryOp
{
    /// <summary>−x.</summary>
    Negate,

    /// <summary>|x|.</summary>
    Abs,

    /// <summary>x².</summary>
    Square,

    /// <summary>√x (NaN below 0).</summary>
    Sqrt,

    /// <summary>e^x.</summary>
    Exp,

    /// <summary>ln x (−∞ at 0, NaN below).</summary>
    Log,

    /// <summary>sin x (PTX <c>sin.approx</c> on a GPU: absolute error about 1e-6 in [−π, π], growing with |x|).</summary>
    Sin,

    /// <summary>cos x (PTX <c>cos.approx</c> on a GPU, as <see cref="Sin"/>).</summary>
    Cos,

    /// <summary>1, −1 or 0 by sign; NaN stays NaN (NumPy's <c>sign</c>).</summary>
    Sign,

    /// <summary>ln x where x &gt; 0, else 0 (the safe logarithm of x^y's gradient with respect to y).</summary>
    SafeLog,
}

/// <summary>The binary functions of <see cref="ElementwiseKernels"/>, with the CPU engine's semantics.</summary>
internal enum BinaryOp
{
    /// <summary>a + b.</summary>
    Add,

    /// <summary>a − b.</summary>
    Subtract,

    /// <summary>a·b.</summary>
    Multiply,

    /// <summary>a / b.</summary>
    Divide,

    /// <summary>NumPy's <c>maximum</c>: NaN in either gives NaN; on equality the first operand.</summary>
    Maximum,

    /// <summary>NumPy's <c>minimum</c>.</summary>
    Minimum,

    /// <summary>a^b (see <see cref="GpuMath.Pow"/>).</summary>
    Pow,

    /// <summary>1 where a ≥ b, else 0.</summary>
    GreaterEqual,

    /// <summary>1 where a ≤ b, else 0.</summary>
    LessEqual,

    /// <summary>1 where a = b, else 0.</summary>
    Equal,
}

/// <summary>The scalar forms of <see cref="UnaryOp"/> and <see cref="BinaryOp"/>, called from the kernels.</summary>
internal static class ElementwiseOps
{
    /// <summary>Applies <paramref name="op"/> to x.</summary>
    public static float Unary(int op, float x) => (UnaryOp)op switch
    {
        UnaryOp.Negate => -x,
        UnaryOp.Abs => MathF.Abs(x),
        UnaryOp.Square => x * x,
        UnaryOp.Sqrt => MathF.Sqrt(x),
        UnaryOp.Exp => GpuMath.Exp(x),
        UnaryOp.Log => GpuMath.Log(x),
        UnaryOp.Sin => MathF.Sin(x),
        UnaryOp.Cos => MathF.Cos(x),
        UnaryOp.Sign => x > 0f ? 1f : x < 0f ? -1f : x == 0f ? 0f : x,
        _ => x > 0f ? GpuMath.Log(x) : 0f,
    };

    /// <summary>Applies <paramref name="op"/> to (a, b).</summary>
    public static float Binary(int op, float a, float b) => (BinaryOp)op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Subtract => a - b,
        BinaryOp.Multiply => a * b,
        BinaryOp.Divide => a / b,
        BinaryOp.Maximum => a >= b || float.IsNaN(a) ? a : b,
        BinaryOp.Minimum => a <= b || float.IsNaN(a) ? a : b,
        BinaryOp.Pow => GpuMath.Pow(a, b),
        BinaryOp.GreaterEqual => a >= b ? 1f : 0f,
        BinaryOp.LessEqual => a <= b ? 1f : 0f,
        _ => a == b ? 1f : 0f,
    };
}
