using Nabla.Autodiff;
using Nabla.Kernels;

namespace Nabla.Gpu.Kernels;

/// <summary>
/// An elementwise activation as the GPU kernels take it: a code, its parameter (ELU's alpha, leaky ReLU's slope) and, for
/// Keras's relu with options, its cap and threshold.
/// </summary>
/// <remarks>
/// The formulas are the CPU engine's (<c>ActivationOps</c>, <c>ActivationGradientOps</c>), in float with <see cref="GpuMath"/>.
/// As on the CPU, the derivatives of ReLU, sigmoid and tanh read the activation's output y, the others its input x
/// (<see cref="DerivativeFromOutput"/>). Softmax is not elementwise: use <see cref="RowKernels"/>.
/// </remarks>
internal readonly record struct GpuActivation(GpuActivation.Code Function, float Parameter, float Cap = float.PositiveInfinity, float Threshold = 0f)
{
    /// <summary>The functions.</summary>
    public enum Code
    {
        /// <summary>f(x) = x.</summary>
        Linear,

        /// <summary>max(x, 0).</summary>
        Relu,

        /// <summary>1 / (1 + e^−x).</summary>
        Sigmoid,

        /// <summary>tanh x.</summary>
        Tanh,

        /// <summary>x for x &gt; 0, alpha·(e^x − 1) otherwise.</summary>
        Elu,

        /// <summary>Keras's scaled ELU.</summary>
        Selu,

        /// <summary>x·Φ(x) (exact).</summary>
        Gelu,

        /// <summary>The tanh approximation of gelu, as x·σ(2u).</summary>
        GeluTanh,

        /// <summary>x for x &gt; 0, slope·x otherwise.</summary>
        LeakyRelu,

        /// <summary>ln(1 + e^x).</summary>
        Softplus,

        /// <summary>x·σ(x).</summary>
        Swish,

        /// <summary>
        /// Keras's relu with options: min(x, cap) for x &gt; threshold, slope·(x − threshold) otherwise (0 when the slope
        /// is 0); NaN stays NaN (the CPU engine's <c>ThresholdedReluOp</c>).
        /// </summary>
        ThresholdedRelu,
    }

    /// <summary>The launch argument the kernels take.</summary>
    public Arguments Args => new((int)Function, Parameter, Cap, Threshold);

    /// <summary>Whether the derivative reads the output y (ReLU, sigmoid, tanh) rather than the input x.</summary>
    public bool DerivativeFromOutput => Function is Code.Relu or Code.Sigmoid or Code.Tanh;

    /// <summary>The GPU form of a CPU-engine activation (dispatched on its kernel name, with its parameter).</summary>
    /// <param name="activation">The activation.</param>
    /// <exception cref="ArgumentException"><paramref name="activation"/> is softmax, which is a row operation.</exception>
    public static GpuActivation From(ActivationDescriptor activation) => activation.Kernel switch
    {
        "linear" => new(Code.Linear, 0f),
        "relu" => new(Code.Relu, 0f),
        "sigmoid" => new(Code.Sigmoid, 0f),
        "tanh" => new(Code.Tanh, 0f),
        "elu" => new(Code.Elu, activation.Parameter),
        "selu" => new(Code.Selu, 0f),
        "gelu" => new(Code.Gelu, 0f),
        "gelu_tanh" => new(Code.GeluTanh, 0f),
        "leaky_relu" => new(Code.LeakyRelu, activation.Parameter),
        "softplus" => new(Code.Softplus, 0f),
        "swish" => new(Code.Swish, 0f),
        "relu_thresholded" => new(Code.ThresholdedRelu, activation.Parameter, activation.Cap, activation.Threshold),
        _ => throw new ArgumentException(
            $"GpuActivation: '{activation.Name}' is not elementwise; use RowKernels.Softmax (or its bias form) for softmax.", nameof(activation)),
    };

    /// <summary>f(x) (device code).</summary>
    public static float Apply(Arguments a, float x)
    {
        float p = a.Parameter;
        switch ((Code)a.Code)
        {
            case Code.Relu: return MathF.Max(x, 0f);
            case Code.Sigmoid: return GpuMath.Sigmoid(x);
            case Code.Tanh: return GpuMath.Tanh(x);
            case Code.Elu: return x > 0f ? x : p * GpuMath.Expm1(x);
            case Code.Selu: return SeluOp.Scale * (x > 0f ? x : SeluOp.Alpha * GpuMath.Expm1(x));
            case Code.Gelu: return x * GpuMath.NormalCdf(x);
            case Code.GeluTanh: return x * GpuMath.Sigmoid(GeluTanhOp.TwoSqrt2OverPi * (x + (GeluTanhOp.Coefficient * x * x * x)));
            case Code.LeakyRelu: return x > 0f ? x : p * x;
            case Code.Softplus: return GpuMath.Log1p(GpuMath.Exp(-MathF.Abs(x))) + MathF.Max(x, 0f);
            case Code.Swish: return x * GpuMath.Sigmoid(x);
            case Code.ThresholdedRelu:
                return float.IsNaN(x) ? x : x > a.Threshold ? MathF.Min(x, a.Cap) : p == 0f ? 0f : p * (x - a.Threshold);
            default: return x;
        }
    }

    /// <summary>g·f′(v), v the output for ReLU, sigmoid and tanh and the input otherwise (device code).</summary>
    public static float Derivative(Arguments a, float g, float v)
    {
        float p = a.Parameter;
        switch ((Code)a.Code)
        {
            case Code.Relu: return v > 0f ? g : 0f;
            case Code.Sigmoid: return g * v * (1f - v);
            case Code.Tanh: return g * (1f - (v * v));
            case Code.Elu: return v > 0f ? g : g * p * GpuMath.Exp(v);
            case Code.Selu: return g * SeluOp.Scale * (v > 0f ? 1f : SeluOp.Alpha * GpuMath.Exp(v));
            case Code.Gelu: return g * (GpuMath.NormalCdf(v) + (v * GpuMath.NormalPdf(v)));
            case Code.GeluTanh:
                {
                    float x2 = v * v;
                    float s = GpuMath.Sigmoid(GeluTanhOp.TwoSqrt2OverPi * (v + (GeluTanhOp.Coefficient * x2 * v)));
                    float du = GeluTanhOp.TwoSqrt2OverPi * (1f + (3f * GeluTanhOp.Coefficient * x2));
                    return g * (s + (v * s * (1f - s) * du));
                }

            case Code.LeakyRelu: return v > 0f ? g : g * p;
            case Code.Softplus: return g * GpuMath.Sigmoid(v);
            case Code.Swish:
                {
                    float s = GpuMath.Sigmoid(v);
                    return g * s * (1f + (v * (1f - s)));
                }

            // At the kinks the side ReLU's derivative takes: 0 at the threshold with slope 0, 0 at the cap.
            case Code.ThresholdedRelu: return v > a.Threshold ? (v < a.Cap ? g : 0f) : g * p;

            default: return g;
        }
    }

    /// <summary>An activation as one kernel argument: its code and parameters.</summary>
    internal readonly record struct Arguments(int Code, float Parameter, float Cap, float Threshold);
}
