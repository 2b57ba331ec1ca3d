using Nabla.Kernels;

namespace Nabla.Autodiff;

/// <summary>
/// The built-in activations, one line each: Keras's name, the forward and derivative kernels, and whether the
/// derivative reads the output. Names parse here; the ops, the fused dense op and <c>ActivationFunction</c> use these
/// descriptors, so an activation added to this table is available everywhere.
/// </summary>
internal static class ActivationTable
{
    /// <summary>f(x) = x.</summary>
    public static readonly ActivationDescriptor Linear = new LinearActivation();

    /// <summary>max(x, 0); the derivative [y &gt; 0] reads the output.</summary>
    public static readonly ActivationDescriptor Relu = new ElementwiseActivation<ReluOp, ReluGradientOp>("relu", default, default, derivativeFromOutput: true);

    /// <summary>1 / (1 + e^−x); y(1 − y) from the output; keeps its logits for the cross-entropies.</summary>
    public static readonly ActivationDescriptor Sigmoid = new ElementwiseActivation<SigmoidOp, SigmoidGradientOp>("sigmoid", default, default, derivativeFromOutput: true, keepsLogits: true);

    /// <summary>tanh(x); 1 − y² from the output.</summary>
    public static readonly ActivationDescriptor Tanh = new ElementwiseActivation<TanhOp, TanhGradientOp>("tanh", default, default, derivativeFromOutput: true);

    /// <summary>Softmax over the last axis; keeps its logits.</summary>
    public static readonly ActivationDescriptor Softmax = new SoftmaxActivation();

    /// <summary>x for x &gt; 0, alpha·(e^x − 1) otherwise, with Keras's alpha 1.</summary>
    public static readonly ActivationDescriptor Elu = EluWith(1f);

    /// <summary>Scaled ELU with Keras's constants.</summary>
    public static readonly ActivationDescriptor Selu = new ElementwiseActivation<SeluOp, SeluGradientOp>("selu", default, default, derivativeFromOutput: false);

    /// <summary>x·Φ(x), exact (Keras's default).</summary>
    public static readonly ActivationDescriptor Gelu = new ElementwiseActivation<GeluOp, GeluGradientOp>("gelu", default, default, derivativeFromOutput: false);

    /// <summary>GELU's tanh approximation.</summary>
    public static readonly ActivationDescriptor GeluApproximate = new ElementwiseActivation<GeluTanhOp, GeluTanhGradientOp>("gelu", default, default, derivativeFromOutput: false, kernel: "gelu_tanh");

    /// <summary>x for x &gt; 0, 0.2·x otherwise (Keras 3's default slope).</summary>
    public static readonly ActivationDescriptor LeakyRelu = LeakyReluWith(0.2f);

    /// <summary>ln(1 + e^x).</summary>
    public static readonly ActivationDescriptor Softplus = new ElementwiseActivation<SoftplusOp, SoftplusGradientOp>("softplus", default, default, derivativeFromOutput: false);

    /// <summary>x·σ(x), which Keras 3 serializes as <c>silu</c> (also accepted as <c>swish</c>).</summary>
    public static readonly ActivationDescriptor Swish = new ElementwiseActivation<SwishOp, SwishGradientOp>("silu", default, default, derivativeFromOutput: false, kernel: "swish");

    // Every name Parse accepts, sorted (the unknown-name message lists them).
    private static readonly (string Name, ActivationDescriptor Activation)[] s_byName =
    [
        ("elu", Elu), ("gelu", Gelu), ("leaky_relu", LeakyRelu), ("linear", Linear), ("relu", Relu), ("selu", Selu),
        ("sigmoid", Sigmoid), ("silu", Swish), ("softmax", Softmax), ("softplus", Softplus), ("swish", Swish), ("tanh", Tanh),
    ];

    /// <summary>Every name <see cref="Parse"/> accepts, sorted.</summary>
    public static IEnumerable<string> Names => s_byName.Select(e => e.Name);

    /// <summary>The built-in activations, one descriptor each (swish once).</summary>
    public static IEnumerable<ActivationDescriptor> All => s_byName.Select(e => e.Activation).Distinct();

    /// <summary>ELU with its saturation <paramref name="alpha"/>.</summary>
    public static ActivationDescriptor EluWith(float alpha) =>
        new ElementwiseActivation<EluOp, EluGradientOp>("elu", new EluOp(alpha), new EluGradientOp(alpha), derivativeFromOutput: false, parameter: alpha);

    /// <summary>Leaky ReLU with its <paramref name="negativeSlope"/>.</summary>
    public static ActivationDescriptor LeakyReluWith(float negativeSlope) =>
        new ElementwiseActivation<LeakyReluOp, LeakyReluGradientOp>("leaky_relu", new LeakyReluOp(negativeSlope), new LeakyReluGradientOp(negativeSlope),
            derivativeFromOutput: false, parameter: negativeSlope);

    /// <summary>
    /// Keras's relu with its options: min(x, maxValue) above <paramref name="threshold"/>, negativeSlope·(x − threshold)
    /// at or below it. Without a cap or threshold this is <see cref="Relu"/> or <see cref="LeakyReluWith"/>.
    /// </summary>
    public static ActivationDescriptor ReluWith(float negativeSlope, float? maxValue, float threshold)
    {
        if (maxValue is null && threshold == 0f)
        {
            return negativeSlope == 0f ? Relu : LeakyReluWith(negativeSlope);
        }

        float cap = maxValue ?? float.PositiveInfinity;
        return new ElementwiseActivation<ThresholdedReluOp, ThresholdedReluGradientOp>("relu", new ThresholdedReluOp(negativeSlope, cap, threshold),
            new ThresholdedReluGradientOp(negativeSlope, cap, threshold), derivativeFromOutput: false, kernel: "relu_thresholded", parameter: negativeSlope)
        {
            Cap = cap,
            Threshold = threshold,
        };
    }

    /// <summary>
    /// The activation Keras calls <paramref name="name"/>; null means linear, as Keras's <c>activations.get(None)</c>.
    /// Names are case-sensitive, as in Keras. Allocation-free for known names (ops that take a name run every step).
    /// </summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the known names and the closest one.</exception>
    public static ActivationDescriptor Parse(string? name)
    {
        if (name is null)
        {
            return Linear;
        }

        foreach ((string n, ActivationDescriptor a) in s_byName)
        {
            if (n == name)
            {
                return a;
            }
        }

        throw new ArgumentException(KnownNames.UnknownMessage("activation", name, [.. Names]), "activation");
    }
}
